package dev.coffer.archive.retention;

import java.io.IOException;
import java.util.List;

/**
 * An attempt to remove or overwrite a record before its retention ended, or while a legal hold
 * covers it, or outside disposition. Nothing was changed; the attempt itself is archived as an audit
 * record ({@code worm.refused}) where an archive is there to take it.
 */
public final class RetentionViolationException extends IOException {
  private final List<String> refused;

  public RetentionViolationException(String message, List<String> refused) {
    super(message);
    this.refused = List.copyOf(refused);
  }

  /** The record ids or object keys refused. */
  public List<String> refused() {
    return refused;
  }
}
