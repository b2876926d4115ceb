package dev.coffer.connectors.whatsapp.export;

/**
 * The one exception for structural refusals: the input as a whole cannot be imported (not found,
 * empty, binary, hostile or damaged zip, no chat text). It is thrown before anything is written, so
 * a refused input leaves nothing in the archive. Content problems inside a readable chat never throw:
 * they become {@code unparsed} records.
 */
public final class ExportRefusedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ExitStatus status;

  public ExportRefusedException(ExitStatus status, String message) {
    super(message);
    this.status = status;
  }

  /** Why the input was refused, with its exit code. */
  public ExitStatus status() {
    return status;
  }
}
