package dev.coffer.connectors.whatsapp.export;

/**
 * How an import ended, with a distinct process exit code for each outcome. Refusals (codes 10 and
 * up) write nothing to the archive.
 */
public enum ExitStatus {
  /** Every line was read into a record of its kind. */
  OK(0),
  /** Imported; some content could not be read and is kept as {@code unparsed} records. */
  IMPORTED_WITH_UNPARSED(3),
  /** The input file does not exist or cannot be read. */
  INPUT_UNREADABLE(10),
  /** The input is empty. */
  EMPTY(11),
  /** The input is binary data, not a chat text. */
  BINARY(12),
  /** A zip without a chat text ({@code _chat.txt} or one {@code .txt}), or a damaged zip. */
  NO_CHAT_TEXT(13),
  /** A zip entry has an absolute path or a {@code ..} segment. */
  UNSAFE_ZIP_PATH(14),
  /** A zip expands beyond the allowed size or ratio (zip bomb). */
  ZIP_BOMB(15),
  /** A text without a single WhatsApp message header. */
  NOT_AN_EXPORT(16);

  private final int code;

  ExitStatus(int code) {
    this.code = code;
  }

  /** The process exit code. */
  public int code() {
    return code;
  }
}
