package dev.coffer.connectors.wechat.oa;

import dev.coffer.model.Record;
import java.util.List;
import java.util.Objects;

/**
 * What one authenticated callback gave: records to archive, the XML they were read from, and what
 * to answer WeChat.
 *
 * <p>How the server uses it (acknowledge after durable): store the received body as a blob (its
 * digest is the {@code rawBlobDigest} passed to {@link OfficialAccountCallback#handle}), store
 * {@link #plaintext()} as a blob (its digest is {@link #plaintextSha256()}, which every record names
 * as {@code source.raw}; in plain mode it is the body itself, stored once), append
 * {@link #records()}, and only then answer 200 with {@link #reply()}.
 *
 * @param records at least one record: messages and events, or an {@code unparsed} record with a
 *     diagnostic when the body could not be read (nothing is dropped)
 * @param plaintext the XML the records were read from: the decrypted message in safe and compatible
 *     mode, else the body as received
 * @param plaintextSha256 lowercase hex SHA-256 of {@link #plaintext()}
 * @param mode how the body was sent
 * @param diagnostics notes for the operator (never message content): pending media, a body kept
 *     encrypted because no key is configured, why a body is unparsed
 * @param reply the response body: {@code success}, which WeChat takes as "received, no passive
 *     reply" in every mode (it is never encrypted; WeChat documents it as the answer when the
 *     server does not reply with a message)
 */
public record CallbackResult(
    List<Record> records,
    byte[] plaintext,
    String plaintextSha256,
    Mode mode,
    List<String> diagnostics,
    String reply) {

  /** The reply WeChat expects when the server sends no passive reply. */
  public static final String SUCCESS = "success";

  public CallbackResult {
    records = List.copyOf(records);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a callback always yields at least one record");
    }
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(plaintextSha256, "plaintextSha256");
    Objects.requireNonNull(mode, "mode");
    diagnostics = List.copyOf(diagnostics);
    Objects.requireNonNull(reply, "reply");
  }

  /** How a callback body was sent (the account's 消息加解密方式). */
  public enum Mode {
    /** 明文模式: XML in the clear, only the query's {@code signature} authenticates the request. */
    PLAIN,
    /** 兼容模式: the clear fields and their {@code <Encrypt>} form in one body. */
    COMPATIBLE,
    /** 安全模式: only {@code <Encrypt>} (and ToUserName), signed by {@code msg_signature}. */
    SAFE
  }
}
