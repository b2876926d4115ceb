package dev.coffer.connectors.wecom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.archive.AppendResult;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.proof.ConsistencyProof;
import dev.coffer.archive.proof.InclusionProof;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw GetChatData pages: RSA by key version, the pluggable decryptor, media, the seq cursor. */
class ChatDataPagesTest {
  static KeyPair v1;
  static KeyPair v2;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    v1 = TestKeys.V1;
    v2 = TestKeys.V2;
  }

  static WeComKeys bothKeys() {
    return WeComKeys.of(Map.of(1, v1.getPrivate(), 2, v2.getPrivate()));
  }

  static String message(String msgid, String text) {
    return "{\"msgid\":\"" + msgid + "\",\"action\":\"send\",\"from\":\"zhang.wei\",\"tolist\":[\"wmC1\"],"
        + "\"roomid\":\"\",\"msgtime\":1764030000000,\"msgtype\":\"text\",\"text\":{\"content\":\"" + text + "\"}}";
  }

  static ObjectNode item(long seq, String msgid, int ver, PublicKey key, String json) throws Exception {
    String randomKey = "rk" + seq + "x" + msgid.hashCode();
    ObjectNode o = WeComImporter.JSON.createObjectNode();
    o.put("seq", seq);
    o.put("msgid", msgid);
    o.put("publickey_ver", ver);
    o.put("encrypt_random_key", TestCipher.rsaEncrypt(key, randomKey));
    o.put("encrypt_chat_msg", TestCipher.encrypt(randomKey, json));
    return o;
  }

  static Path page(Path dir, String name, List<ObjectNode> items) throws IOException {
    ObjectNode page = WeComImporter.JSON.createObjectNode();
    page.put("errcode", 0);
    page.put("errmsg", "ok");
    ArrayNode data = page.putArray("chatdata");
    items.forEach(data::add);
    Path f = dir.resolve(name);
    Files.writeString(f, page.toString());
    return f;
  }

  /** Ten pages of three messages each, seq 1..30, keys v1 for seq <= 15 and v2 after. */
  Path tenPages() throws Exception {
    Path pages = Files.createDirectories(dir.resolve("pages"));
    long seq = 0;
    for (int p = 1; p <= 10; p++) {
      List<ObjectNode> items = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        seq++;
        KeyPair k = seq <= 15 ? v1 : v2;
        items.add(item(seq, "m" + seq, seq <= 15 ? 1 : 2, k.getPublic(), message("m" + seq, "message " + seq)));
      }
      page(pages, String.format("page-%03d.json", p), items);
    }
    return pages;
  }

  static List<Record> records(Archive a) throws IOException {
    List<Record> out = new ArrayList<>();
    a.scan(1, sr -> {
      out.add(sr.record());
      return true;
    });
    return out;
  }

  @Test
  void decryptsWithTheKeyOfEachVersion() throws Exception {
    Path pages = tenPages();
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(pages,
          WeComImportOptions.defaults().withKeys(bothKeys()).withDecryptor(new TestCipher()));
      assertThat(r.keptEncrypted()).isZero();
      assertThat(r.recordsByKind()).containsEntry("message", 30L);
      assertThat(r.seqGaps()).isEmpty();
      Message m = (Message) a.get(WeComRecords.messageId("m17")).orElseThrow().record();
      assertThat(m.text()).isEqualTo("message 17");
      assertThat(m.source().range()).contains("chatdata[1] seq 17").startsWith("decrypted from ");
      // The decrypted plaintext is archived, and the record names it.
      try (InputStream in = a.openBlob(m.source().raw())) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(message("m17", "message 17"));
      }
    }
  }

  @Test
  void aMissingKeyVersionKeepsTheItemEncryptedWithAClearDiagnostic() throws Exception {
    Path pages = tenPages();
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(pages, WeComImportOptions.defaults()
          .withKeys(WeComKeys.of(Map.of(1, v1.getPrivate()))).withDecryptor(new TestCipher()));
      assertThat(r.keptEncrypted()).isEqualTo(15);
      assertThat(r.exitCode()).isEqualTo(3);
      Unparsed u = (Unparsed) records(a).stream().filter(x -> x instanceof Unparsed).findFirst().orElseThrow();
      assertThat(u.diagnostic()).contains("no private key for publickey_ver 2 (held: [1])");
      assertThat(u.text()).contains("encrypt_chat_msg");
    }
  }

  @Test
  void aWrongKeyForAVersionSaysSo() throws Exception {
    Path pages = tenPages();
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      new WeComImporter(a).importPath(pages, WeComImportOptions.defaults()
          .withKeys(WeComKeys.of(Map.of(1, v1.getPrivate(), 2, v1.getPrivate()))).withDecryptor(new TestCipher()));
      Unparsed u = (Unparsed) records(a).stream().filter(x -> x instanceof Unparsed).findFirst().orElseThrow();
      assertThat(u.diagnostic()).contains("the private key of publickey_ver 2 does not decrypt");
    }
  }

  @Test
  void withoutADecryptorNothingIsDroppedAndAReReadWithOneDecrypts() throws Exception {
    Path pages = tenPages();
    Path cursor = dir.resolve("data/connectors/wecom/seq-cursor");
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(pages,
          WeComImportOptions.defaults().withKeys(bothKeys()).withCursor(cursor));
      assertThat(r.keptEncrypted()).isEqualTo(30);
      assertThat(((Unparsed) a.get(dev.coffer.model.Ids.derive("wecom/encrypted", "m3")).orElseThrow().record())
          .diagnostic()).contains("no WeCom decryptor is configured");
      assertThat(r.cursorAfter()).isEqualTo(30);
      // Default re-run: everything is below the cursor.
      WeComImportReport again = new WeComImporter(a).importPath(pages,
          WeComImportOptions.defaults().withKeys(bothKeys()).withCursor(cursor).withDecryptor(new TestCipher()));
      assertThat(again.belowCursor()).isEqualTo(30);
      // --from-seq 0 re-reads the pages, now decrypting.
      WeComImportReport decrypted = new WeComImporter(a).importPath(pages, WeComImportOptions.defaults()
          .withKeys(bothKeys()).withCursor(cursor).withDecryptor(new TestCipher()).withFromSeq(0L));
      assertThat(decrypted.recordsByKind()).containsEntry("message", 30L);
      assertThat(decrypted.cursorAfter()).isEqualTo(30);
    }
  }

  @Test
  void interruptedRunPlusReRunArchivesEveryMessageExactlyOnce() throws Exception {
    Path pages = tenPages();
    Path cursor = dir.resolve("data/connectors/wecom/seq-cursor");
    try (Archive real = Archives.inMemory(ArchiveOptions.defaults())) {
      FailingArchive failing = new FailingArchive(real, 5);
      WeComImportOptions options = WeComImportOptions.defaults().withKeys(bothKeys())
          .withDecryptor(new TestCipher()).withCursor(cursor).withBatchSize(2);
      assertThatThrownBy(() -> new WeComImporter(failing).importPath(pages, options))
          .isInstanceOf(IOException.class);
      long afterCrash = new SeqCursor(cursor).read();
      // Batches of 2, and each page's end, are durable units: [1,2] [3] [4,5] [6] were appended,
      // [7,8] failed. The cursor names the highest durable seq, no further.
      assertThat(afterCrash).isEqualTo(6);
      assertThat(real.size()).isEqualTo(6);

      TestCipher cipher = new TestCipher();
      WeComImportReport r = new WeComImporter(real).importPath(pages, options.withDecryptor(cipher));
      assertThat(r.cursorBefore()).isEqualTo(6);
      assertThat(r.belowCursor()).isEqualTo(6);
      assertThat(cipher.decryptCalls).isEqualTo(24);
      assertThat(r.cursorAfter()).isEqualTo(30);
      Map<String, Integer> perMsgid = new HashMap<>();
      for (Record rec : records(real)) {
        if (rec instanceof Message m) {
          perMsgid.merge(m.source().nativeId(), 1, Integer::sum);
        }
      }
      assertThat(perMsgid).hasSize(30).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
    }
  }

  @Test
  void seqGapsAreReported() throws Exception {
    Path pages = Files.createDirectories(dir.resolve("gappy"));
    page(pages, "a.json", List.of(item(5, "g5", 1, v1.getPublic(), message("g5", "a")),
        item(9, "g9", 1, v1.getPublic(), message("g9", "b"))));
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(pages,
          WeComImportOptions.defaults().withKeys(bothKeys()).withDecryptor(new TestCipher()));
      assertThat(r.seqGaps()).containsExactly("5..9");
    }
  }

  @Test
  void mediaGoThroughTheDecryptorAndAreCheckedAgainstMd5() throws Exception {
    Path pages = Files.createDirectories(dir.resolve("media"));
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3};
    String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(jpeg));
    String json = "{\"msgid\":\"img1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"roomid\":\"\","
        + "\"msgtime\":1764030000000,\"msgtype\":\"image\",\"image\":{\"md5sum\":\"" + md5
        + "\",\"filesize\":7,\"sdkfileid\":\"SDK_IMG_1\"}}";
    String json2 = json.replace("img1", "img2").replace("SDK_IMG_1", "SDK_GONE");
    page(pages, "p.json", List.of(item(1, "img1", 1, v1.getPublic(), json), item(2, "img2", 1, v1.getPublic(), json2)));
    TestCipher cipher = new TestCipher();
    cipher.media.put("SDK_IMG_1", jpeg);
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(pages,
          WeComImportOptions.defaults().withKeys(bothKeys()).withDecryptor(cipher));
      assertThat(r.attachmentsStored()).isEqualTo(1);
      assertThat(r.attachmentsPending()).isEqualTo(1);
      Message m = (Message) a.get(WeComRecords.messageId("img1")).orElseThrow().record();
      assertThat(m.attachmentList().get(0).size()).isEqualTo(7);
      assertThat(a.hasBlob(m.attachmentList().get(0).sha256())).isTrue();
      Message gone = (Message) a.get(WeComRecords.messageId("img2")).orElseThrow().record();
      assertThat(gone.attachmentList().get(0).pending()).isTrue();
      assertThat(r.warnings()).anyMatch(w -> w.contains("pending") && w.contains("10010"));
    }
  }

  @Test
  void pemKeysInPkcs1AndPkcs8AreRead() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    byte[] pkcs8 = v1.getPrivate().getEncoded();
    Files.writeString(keys.resolve("1.pem"), pem("PRIVATE KEY", pkcs8));
    // PKCS#1 is the inner RSAPrivateKey of the PKCS#8 structure (after a 26-byte header for 2048-bit keys).
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    assertThat(WeComKeys.pkcs1ToPkcs8(pkcs1)).isEqualTo(pkcs8);
    Files.writeString(keys.resolve("key-2.pem"), pem("RSA PRIVATE KEY", pkcs1));
    WeComKeys k = WeComKeys.fromDirectory(keys);
    assertThat(k.versions()).containsExactly(1, 2);
    assertThat(k.decryptRandomKey(2, TestCipher.rsaEncrypt(v1.getPublic(), "abc"))).isEqualTo("abc");
    assertThat(k.toString()).isEqualTo("WeComKeys[1, 2]");
    Files.writeString(keys.resolve("3.pem"), pem("ENCRYPTED PRIVATE KEY", pkcs8));
    assertThatThrownBy(() -> WeComKeys.fromDirectory(keys)).hasMessageContaining("3.pem")
        .hasMessageContaining("unencrypted RSA private key");
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  @Test
  void anErrorPageIsKept() throws Exception {
    Path f = dir.resolve("err.json");
    Files.writeString(f, "{\"errcode\":301042,\"errmsg\":\"ip not in whitelist\",\"chatdata\":[]}");
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(f, WeComImportOptions.defaults());
      assertThat(r.unparsed()).isEqualTo(1);
      Unparsed u = (Unparsed) records(a).get(0);
      assertThat(u.diagnostic()).contains("errcode 301042");
    }
  }

  /** Fault injection: the {@code failOn}-th append throws, as a crash before durability would. */
  static final class FailingArchive implements Archive {
    final Archive delegate;
    final int failOn;
    int appends;

    FailingArchive(Archive delegate, int failOn) {
      this.delegate = delegate;
      this.failOn = failOn;
    }

    @Override
    public AppendResult append(List<? extends Record> records) throws IOException {
      if (++appends >= failOn) {
        throw new IOException("injected: the disk went away");
      }
      return delegate.append(records);
    }

    @Override public java.time.Clock clock() { return delegate.clock(); }
    @Override public dev.coffer.archive.retention.RetentionLedger retention() throws IOException { return delegate.retention(); }
    @Override public dev.coffer.archive.retention.Disposal dispose(List<String> ids, dev.coffer.archive.retention.Actor actor,
        String reason, java.util.Set<String> queryHeld) throws IOException { return delegate.dispose(ids, actor, reason, queryHeld); }
    @Override public void addDisposalListener(DisposalListener l) { delegate.addDisposalListener(l); }
    @Override public dev.coffer.archive.retention.BlobDisposal disposeBlobs(dev.coffer.archive.retention.Actor actor,
        String reason) throws IOException { return delegate.disposeBlobs(actor, reason); }
    @Override public long blobSize(String sha256) throws IOException { return delegate.blobSize(sha256); }
    @Override public String putBlob(byte[] bytes) throws IOException { return delegate.putBlob(bytes); }
    @Override public String putBlob(Path file) throws IOException { return delegate.putBlob(file); }
    @Override public String putBlob(InputStream in) throws IOException { return delegate.putBlob(in); }
    @Override public boolean hasBlob(String sha256) throws IOException { return delegate.hasBlob(sha256); }
    @Override public InputStream openBlob(String sha256) throws IOException { return delegate.openBlob(sha256); }
    @Override public boolean contains(String id) throws IOException { return delegate.contains(id); }
    @Override public Optional<StoredRecord> get(String id) throws IOException { return delegate.get(id); }
    @Override public Optional<StoredRecord> get(long serial) throws IOException { return delegate.get(serial); }
    @Override public long size() { return delegate.size(); }
    @Override public void scan(long fromSerial, RecordVisitor visitor) throws IOException { delegate.scan(fromSerial, visitor); }
    @Override public void addCommitListener(CommitListener listener) { delegate.addCommitListener(listener); }
    @Override public Checkpoint latestCheckpoint() { return delegate.latestCheckpoint(); }
    @Override public Optional<Checkpoint> checkpoint(long size) throws IOException { return delegate.checkpoint(size); }
    @Override public java.security.PublicKey signingKey() { return delegate.signingKey(); }
    @Override public InclusionProof proveInclusion(long serial, long treeSize) throws IOException { return delegate.proveInclusion(serial, treeSize); }
    @Override public ConsistencyProof proveConsistency(long oldSize, long newSize) throws IOException { return delegate.proveConsistency(oldSize, newSize); }
    @Override public dev.coffer.archive.crypto.Encryption encryption() { return delegate.encryption(); }
    @Override public Path directory() { return delegate.directory(); }
    @Override public String archiveId() { return delegate.archiveId(); }
    @Override public void close() throws IOException { }
  }
}
