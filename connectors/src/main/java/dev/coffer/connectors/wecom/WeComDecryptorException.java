package dev.coffer.connectors.wecom;

/** A {@link WeComDecryptor} could not decrypt a message or fetch a media file; the message says why (never content or keys). */
public final class WeComDecryptorException extends Exception {
  private static final long serialVersionUID = 1L;

  public WeComDecryptorException(String message) {
    super(message);
  }

  public WeComDecryptorException(String message, Throwable cause) {
    super(message, cause);
  }
}
