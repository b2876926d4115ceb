package dev.coffer.archive.store;

import java.nio.file.NoSuchFileException;

/** An {@link ObjectStore} read or delete of a key that does not exist. */
public class NoSuchObjectException extends NoSuchFileException {
  private static final long serialVersionUID = 1L;

  public NoSuchObjectException(String key) {
    super(key, null, "no such object");
  }
}
