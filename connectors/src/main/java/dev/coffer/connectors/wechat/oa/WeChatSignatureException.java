package dev.coffer.connectors.wechat.oa;

/**
 * A callback request that cannot be shown to come from WeChat for the configured account: nothing
 * from it may be archived as evidence. The HTTP server answers 401 (missing or wrong signature) or
 * 403 ({@link Reason#APPID_MISMATCH}: a correctly signed body for another account;
 * {@link Reason#UNDECRYPTABLE}: a signed handshake that the configured key cannot read) and counts the
 * attempt; the message never holds request content, tokens or keys.
 */
public final class WeChatSignatureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the request was refused. */
  public enum Reason {
    /** A query parameter the check needs ({@code signature}, {@code msg_signature}, {@code timestamp},
     * {@code nonce}, {@code echostr}) is absent. */
    MISSING_PARAMETER,
    /** The signature does not match the token (and, in safe mode, the Encrypt text). */
    BAD_SIGNATURE,
    /** The body decrypted, but the AppID at its end is not the configured one. */
    APPID_MISMATCH,
    /** An encrypted {@code echostr} is correctly signed but does not decrypt with the configured
     * EncodingAESKey (a configuration mismatch). */
    UNDECRYPTABLE
  }

  private final Reason reason;

  public WeChatSignatureException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the request was refused. */
  public Reason reason() {
    return reason;
  }
}
