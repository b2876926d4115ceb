package dev.coffer.search;

import java.io.IOException;

/**
 * The index on disk cannot serve this archive or this configuration as it is: it was written in
 * another index format, for another phone region, or it holds serials the archive does not have
 * (it belongs to another archive). Nothing is lost: {@link SearchIndex#rebuild} rebuilds it from
 * the archive ({@code coffer reindex}).
 */
public class StaleIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  public StaleIndexException(String message) {
    super(message);
  }
}
