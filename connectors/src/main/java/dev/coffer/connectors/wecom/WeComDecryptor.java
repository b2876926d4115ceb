package dev.coffer.connectors.wecom;

import java.io.IOException;
import java.io.InputStream;

/**
 * What Coffer needs from Tencent's conversation-archive SDK (会话内容存档, the "Finance SDK"): the
 * message decryption and the media download, whose algorithms are proprietary and undocumented, so
 * Coffer never reimplements them.
 *
 * <p>Coffer does the documented part itself: it decrypts {@code encrypt_random_key} with the firm's
 * RSA private key for {@code publickey_ver} ({@link WeComKeys}) and hands the resulting random key
 * and {@code encrypt_chat_msg} to {@link #decrypt}. {@link FinanceSdkDecryptor} adapts the SDK's Java
 * (JNI) build; a firm may plug in any other implementation of this interface (a sidecar process, a
 * HSM-backed service).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #decrypt} returns the message's plaintext JSON as the SDK gives it (UTF-8, possibly
 *       with raw control characters); it has no side effects, so a retry is safe.
 *   <li>{@link #openMedia} streams a media file (image, voice, video, file, emotion, call recording)
 *       by its {@code sdkfileid}; the caller closes the stream. Bytes are not buffered to disk by
 *       Coffer (no plaintext copies outside the encrypted archive).
 *   <li>Failures are {@link WeComDecryptorException}s with the SDK's error code in the message
 *       (never the key or content); the importer keeps the message encrypted, or the attachment
 *       pending, with that message as the diagnostic — nothing is dropped.
 *   <li>Used from one thread at a time; {@link #close} releases the SDK.
 * </ul>
 */
public interface WeComDecryptor extends AutoCloseable {

  /**
   * Decrypts one archived message.
   *
   * @param randomKey the RSA-decrypted {@code encrypt_random_key} (a short ASCII string)
   * @param encryptChatMsg the page's {@code encrypt_chat_msg}, as given
   * @return the plaintext JSON bytes
   */
  byte[] decrypt(String randomKey, String encryptChatMsg) throws WeComDecryptorException;

  /**
   * Opens a media file's bytes by {@code sdkfileid}.
   *
   * @throws WeComDecryptorException if the SDK refuses (expired, unknown id, network)
   */
  InputStream openMedia(String sdkFileId) throws WeComDecryptorException, IOException;

  /** Releases the SDK; the default does nothing. */
  @Override
  default void close() {}
}
