package dev.coffer.connectors.wechat.oa;

import dev.coffer.connectors.wechat.oa.WeChatSignatureException.Reason;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WeChat Official Account (公众号) callback: checks that a request comes from WeChat for the
 * configured account, decrypts it when it is encrypted, and turns it into records. It does no I/O:
 * the HTTP server archives what {@link #handle} returns and answers WeChat.
 *
 * <p>Contract, for the server at {@code /capture/wechat}:
 * <ul>
 *   <li>{@code GET}: {@link #verifyUrl} → answer 200 with the returned text, or 401/403 on
 *       {@link WeChatSignatureException}.
 *   <li>{@code POST}: {@link #handle} → archive as {@link CallbackResult} says, then answer 200 with
 *       {@link CallbackResult#reply()}; on {@link WeChatSignatureException} answer 401
 *       ({@link Reason#MISSING_PARAMETER}, {@link Reason#BAD_SIGNATURE}) or 403
 *       ({@link Reason#APPID_MISMATCH}, {@link Reason#UNDECRYPTABLE}) and archive nothing.
 *   <li>A body that is authenticated but unreadable (malformed or hostile XML, an unknown
 *       {@code MsgType}, an encrypted body without a configured key) is never an exception: it is
 *       an {@code unparsed} record with a diagnostic, and WeChat still gets {@code success} so it
 *       does not retry what will never read better.
 *   <li>Idempotent: WeChat retries a message three times when it gets no answer within 5 seconds;
 *       every retry yields records with the same ids (ids derive from MsgId, or for events from
 *       the account, user, CreateTime, Event and EventKey), so the archive keeps one copy.
 *   <li>Thread-safe and quick: no shared mutable state; the work is one SHA-1, at most one AES
 *       decryption of a few KiB, and one hardened XML parse — far inside WeChat's 5 seconds.
 * </ul>
 *
 * <p>Which signature authenticates what: in plain mode the query's {@code signature} =
 * SHA1(sort(token, timestamp, nonce)) — WeChat's design does not cover the body with it; in safe and
 * compatible mode {@code msg_signature} = SHA1(sort(token, timestamp, nonce, Encrypt)) covers the
 * encrypted body, and the decrypted AppID must be the configured one. Signatures are compared in
 * constant time. Nothing here logs content, tokens or keys.
 */
public final class OfficialAccountCallback {
  private static final Logger LOG = LoggerFactory.getLogger(OfficialAccountCallback.class);

  private final OfficialAccountConfig config;
  private final MessageCrypt crypt;

  public OfficialAccountCallback(OfficialAccountConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.crypt = config.canDecrypt()
        ? new MessageCrypt(OfficialAccountConfig.aesKeyBytes(config.encodingAesKey())) : null;
  }

  /**
   * The GET handshake WeChat makes when the server URL is saved in the console.
   *
   * <p>Plain form (Official Accounts in every mode): {@code signature} over token, timestamp and
   * nonce; the answer is {@code echostr} verbatim. Encrypted form (WeCom-style callbacks, which
   * send {@code msg_signature} and an encrypted {@code echostr}): {@code msg_signature} over token,
   * timestamp, nonce and echostr; the answer is the decrypted echostr, whose receive id must be
   * the configured AppID (CorpID).
   *
   * @param query the decoded query parameters
   * @return the body to answer with (200, {@code text/plain})
   * @throws WeChatSignatureException if a parameter is missing, the signature is wrong, or an
   *     encrypted echostr does not decrypt to this account
   */
  public String verifyUrl(Map<String, String> query) throws WeChatSignatureException {
    Objects.requireNonNull(query, "query");
    String timestamp = required(query, "timestamp");
    String nonce = required(query, "nonce");
    String echostr = required(query, "echostr");
    String msgSignature = query.get("msg_signature");
    if (msgSignature != null && crypt != null) {
      checkSignature(msgSignature, "msg_signature", config.token(), timestamp, nonce, echostr);
      MessageCrypt.Plain plain;
      try {
        plain = crypt.decrypt(echostr);
      } catch (MessageCrypt.CryptException e) {
        throw refused(Reason.UNDECRYPTABLE, "the encrypted echostr is signed but does not decrypt: "
            + e.getMessage());
      }
      checkAppId(plain);
      return new String(plain.message(), StandardCharsets.UTF_8);
    }
    checkSignature(query.get("signature"), "signature", config.token(), timestamp, nonce);
    return echostr;
  }

  /**
   * One message or event pushed by WeChat.
   *
   * @param query the decoded query parameters ({@code signature}, {@code timestamp}, {@code nonce},
   *     {@code openid}, and in safe/compatible mode {@code encrypt_type=aes}, {@code msg_signature})
   * @param body the request body as received
   * @param rawBlobDigest SHA-256 (hex) of {@code body} as the server archived it; named by records
   *     that could only keep the body (an undecryptable one)
   * @param receivedAt when the server received the request; the records' {@code sent_at} when the
   *     body has no readable CreateTime
   * @return the records (at least one), the plaintext to archive, the reply
   * @throws WeChatSignatureException if the request is not shown to come from WeChat for this
   *     account; nothing from it may be archived
   */
  public CallbackResult handle(Map<String, String> query, byte[] body, String rawBlobDigest,
      Instant receivedAt) throws WeChatSignatureException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(rawBlobDigest, "rawBlobDigest");
    Objects.requireNonNull(receivedAt, "receivedAt");
    String timestamp = required(query, "timestamp");
    String nonce = required(query, "nonce");
    boolean aesQuery = "aes".equalsIgnoreCase(query.get("encrypt_type"));
    List<String> diagnostics = new ArrayList<>();

    SafeXml.Fields fields = null;
    String refusal = null;
    try {
      fields = SafeXml.parse(body);
    } catch (SafeXml.Refused r) {
      refusal = r.getMessage();
    }
    String encrypt = fields == null ? null : OaRecords.nonBlank(fields.get("Encrypt"));
    boolean clearFields = fields != null && fields.get("MsgType") != null;

    if (encrypt != null && crypt != null) {
      // Safe or compatible mode: msg_signature covers the Encrypt text, so it is the authenticator.
      checkSignature(query.get("msg_signature"), "msg_signature", config.token(), timestamp, nonce,
          encrypt);
      CallbackResult.Mode mode = clearFields ? CallbackResult.Mode.COMPATIBLE : CallbackResult.Mode.SAFE;
      MessageCrypt.Plain plain;
      try {
        plain = crypt.decrypt(encrypt);
      } catch (MessageCrypt.CryptException e) {
        // Signed with our token, yet not decryptable with our key: keep the ciphertext, so the
        // message can still be read once the right EncodingAESKey is known.
        String diagnostic = "signed body could not be decrypted with the configured EncodingAESKey ("
            + e.getMessage() + "); the Encrypt text is kept";
        diagnostics.add(diagnostic);
        return unreadable(body, rawBlobDigest, "body", diagnostic, mode, diagnostics);
      }
      checkAppId(plain);
      byte[] xml = plain.message();
      String sha = Digests.sha256Hex(xml);
      String range = "decrypted from body " + rawBlobDigest;
      List<Record> records = records(xml, sha, range, receivedAt, diagnostics);
      if (clearFields) {
        compareCompatible(fields, xml, diagnostics);
      }
      LOG.debug("wechat callback {} ({}): {} record(s) from plaintext {}", rawBlobDigest, mode,
          records.size(), sha);
      return new CallbackResult(records, xml, sha, mode, diagnostics, CallbackResult.SUCCESS);
    }

    // Plain mode, or an encrypted body we cannot read: the query's signature authenticates.
    checkSignature(query.get("signature"), "signature", config.token(), timestamp, nonce);
    if (refusal != null) {
      diagnostics.add(refusal);
      return unreadable(body, rawBlobDigest, "body", refusal,
          aesQuery ? CallbackResult.Mode.SAFE : CallbackResult.Mode.PLAIN, diagnostics);
    }
    if (encrypt != null && !clearFields) {
      String diagnostic = "a safe-mode (encrypted) body, but no EncodingAESKey is configured"
          + " (COFFER_WECHAT_AES_KEY): kept encrypted";
      diagnostics.add(diagnostic);
      return unreadable(body, rawBlobDigest, "body", diagnostic, CallbackResult.Mode.SAFE, diagnostics);
    }
    CallbackResult.Mode mode = CallbackResult.Mode.PLAIN;
    if (encrypt != null) {
      mode = CallbackResult.Mode.COMPATIBLE;
      diagnostics.add("compatible mode without an EncodingAESKey: records read from the clear fields,"
          + " the Encrypt text is not checked");
    } else if (aesQuery) {
      diagnostics.add("encrypt_type=aes, but the body has no <Encrypt>: read as plain");
    }
    String sha = Digests.sha256Hex(body);
    List<Record> records = records(body, sha, "body", receivedAt, diagnostics);
    return new CallbackResult(records, body, sha, mode, diagnostics, CallbackResult.SUCCESS);
  }

  /**
   * Encrypts a passive reply (or any XML) for this account, as WeChat expects it in safe mode:
   * {@code <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>}.
   *
   * @throws IllegalStateException if no EncodingAESKey is configured
   */
  public String encryptReply(String xml, String timestamp, String nonce) {
    if (crypt == null) {
      throw new IllegalStateException("no EncodingAESKey is configured: replies cannot be encrypted");
    }
    String encrypt = crypt.encrypt(xml.getBytes(StandardCharsets.UTF_8), config.appId());
    String signature = MessageCrypt.signature(config.token(), timestamp, nonce, encrypt);
    return "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt><MsgSignature><![CDATA[" + signature
        + "]]></MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce><![CDATA[" + nonce
        + "]]></Nonce></xml>";
  }

  private List<Record> records(byte[] xml, String sha, String range, Instant receivedAt,
      List<String> diagnostics) {
    String text = new String(xml, StandardCharsets.UTF_8);
    SafeXml.Fields f;
    try {
      f = SafeXml.parse(xml);
    } catch (SafeXml.Refused r) {
      diagnostics.add(r.getMessage());
      return List.of(OaRecords.unparsed(sha, range, text, r.getMessage()));
    }
    List<Record> records = OaRecords.map(f, sha, range, text, diagnostics);
    for (Record r : records) {
      if (r instanceof Unparsed u) {
        diagnostics.add(u.diagnostic());
      }
    }
    if (records.size() == 1 && records.get(0).sentAt() == null && !(records.get(0) instanceof Unparsed)) {
      return List.of(withReceivedAt(records.get(0), receivedAt));
    }
    return records;
  }

  private static Record withReceivedAt(Record r, Instant at) {
    return switch (r) {
      case dev.coffer.model.Message m -> dev.coffer.model.Message.builder().id(m.id())
          .channel(m.channel()).conversation(m.conversation()).sender(m.sender()).sentAt(at)
          .text(m.text()).attachments(m.attachments()).location(m.location())
          .recipients(m.recipients()).source(m.source()).build();
      case dev.coffer.model.SystemEvent s -> new dev.coffer.model.SystemEvent(s.id(), s.channel(),
          s.conversation(), s.sender(), at, s.sourceTime(), s.event(), s.actor(), s.subjects(),
          s.text(), s.detail(), s.source());
      case dev.coffer.model.Call c -> c;
      case dev.coffer.model.Reaction x -> x;
      case dev.coffer.model.Edit x -> x;
      case dev.coffer.model.Delete x -> x;
      case dev.coffer.model.Receipt x -> x;
      case dev.coffer.model.Consent x -> x;
      case Unparsed x -> x;
      case dev.coffer.model.Audit x -> x;
      case dev.coffer.model.Completion x -> x;
    };
  }

  private static CallbackResult unreadable(byte[] body, String rawBlobDigest, String range,
      String diagnostic, CallbackResult.Mode mode, List<String> diagnostics) {
    String sha = Digests.sha256Hex(body);
    if (!sha.equals(rawBlobDigest)) {
      diagnostics.add("rawBlobDigest is not the SHA-256 of the body; records name the body's own digest");
    }
    // Bodies past the parse limit are not copied into the record: the archived body keeps them.
    String text = body.length > SafeXml.MAX_BYTES ? null : new String(body, StandardCharsets.UTF_8);
    return new CallbackResult(List.of(OaRecords.unparsed(sha, range, text, diagnostic)), body, sha,
        mode, diagnostics, CallbackResult.SUCCESS);
  }

  /** Notes where the clear fields of a compatible-mode body disagree with the decrypted ones. */
  private static void compareCompatible(SafeXml.Fields clear, byte[] xml, List<String> diagnostics) {
    try {
      SafeXml.Fields decrypted = SafeXml.parse(xml);
      for (String name : List.of("ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId")) {
        if (!Objects.equals(clear.get(name), decrypted.get(name))) {
          diagnostics.add("compatible mode: the clear " + name
              + " differs from the decrypted one; records follow the decrypted (signed) body");
        }
      }
    } catch (SafeXml.Refused r) {
      // Already reported by records().
    }
  }

  private void checkAppId(MessageCrypt.Plain plain) throws WeChatSignatureException {
    if (!config.appId().equals(plain.receiveId())) {
      throw refused(Reason.APPID_MISMATCH,
          "the decrypted body is for another AppID than the configured one");
    }
  }

  private static void checkSignature(String received, String name, String... parts)
      throws WeChatSignatureException {
    if (received == null || received.isEmpty()) {
      throw refused(Reason.MISSING_PARAMETER, "the query has no " + name);
    }
    if (!MessageCrypt.signatureMatches(received, MessageCrypt.signature(parts))) {
      throw refused(Reason.BAD_SIGNATURE, "the " + name + " does not match the configured token");
    }
  }

  private static String required(Map<String, String> query, String name)
      throws WeChatSignatureException {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      throw refused(Reason.MISSING_PARAMETER, "the query has no " + name);
    }
    return v;
  }

  private static WeChatSignatureException refused(Reason reason, String message) {
    LOG.debug("wechat callback refused: {}", reason);
    return new WeChatSignatureException(reason, message);
  }
}
