package dev.coffer.archive.crypto;

import java.io.IOException;

/**
 * The master key an encrypted archive needs is not available, or the one given is not the archive's.
 * The message names the key id the archive needs and every place that was looked in.
 */
public class MasterKeyException extends IOException {
  private static final long serialVersionUID = 1L;

  public MasterKeyException(String message) {
    super(message);
  }

  public MasterKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
