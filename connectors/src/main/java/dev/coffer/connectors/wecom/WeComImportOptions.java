package dev.coffer.connectors.wecom;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to import WeCom archive data.
 *
 * @param keys the firm's RSA private keys by {@code publickey_ver}, for raw GetChatData pages
 *     ({@link WeComKeys#none()} keeps every encrypted item encrypted, with a diagnostic)
 * @param decryptor the SDK adapter for message decryption and media; {@code null} when absent
 *     (encrypted items are kept encrypted and media attachments are marked pending)
 * @param cursorFile where the {@code seq} cursor is kept (conventionally
 *     {@code DATA/connectors/wecom/seq-cursor}); {@code null} for no cursor (every item is read)
 * @param fromSeq when not null, read items with a seq above this instead of above the cursor (to
 *     re-read pages, e.g. once a decryptor is available); the cursor still only moves forward
 * @param batchSize records appended per durable batch (the cursor moves after each)
 * @param actorName who runs the import, for the audit record
 * @param actorHost from where, for the audit record
 */
public record WeComImportOptions(
    WeComKeys keys,
    WeComDecryptor decryptor,
    Path cursorFile,
    Long fromSeq,
    int batchSize,
    String actorName,
    String actorHost) {

  public WeComImportOptions {
    Objects.requireNonNull(keys, "keys");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
    }
    if (fromSeq != null && fromSeq < 0) {
      throw new IllegalArgumentException("--from-seq must not be negative, not " + fromSeq);
    }
  }

  /** No keys, no decryptor, no cursor. */
  public static WeComImportOptions defaults() {
    return new WeComImportOptions(WeComKeys.none(), null, null, null, 1000, null, null);
  }

  /** The conventional cursor file inside a data directory. */
  public static Path cursorIn(Path dataDir) {
    return dataDir.resolve("connectors").resolve("wecom").resolve("seq-cursor");
  }

  public WeComImportOptions withKeys(WeComKeys k) {
    return new WeComImportOptions(k, decryptor, cursorFile, fromSeq, batchSize, actorName, actorHost);
  }

  public WeComImportOptions withDecryptor(WeComDecryptor d) {
    return new WeComImportOptions(keys, d, cursorFile, fromSeq, batchSize, actorName, actorHost);
  }

  public WeComImportOptions withCursor(Path file) {
    return new WeComImportOptions(keys, decryptor, file, fromSeq, batchSize, actorName, actorHost);
  }

  public WeComImportOptions withFromSeq(Long seq) {
    return new WeComImportOptions(keys, decryptor, cursorFile, seq, batchSize, actorName, actorHost);
  }

  public WeComImportOptions withBatchSize(int n) {
    return new WeComImportOptions(keys, decryptor, cursorFile, fromSeq, n, actorName, actorHost);
  }

  public WeComImportOptions withActor(String name, String host) {
    return new WeComImportOptions(keys, decryptor, cursorFile, fromSeq, batchSize, name, host);
  }
}
