package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.EncryptingObjectStore;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement 18 (no plaintext copies on the archive's disk): message text in ASCII, Chinese and
 * emoji, and sender phone numbers in several notations, go in through every real path (a WhatsApp
 * export imported by the CLI, a zip with an attachment, archive appends, blobs put from bytes and
 * streamed, the search index), and afterwards no file under the data directory holds any of them:
 * not as raw bytes, not after gzip/zlib/deflate decompression of the file, not after zstd
 * decompression at every offset where a zstd frame (or a gzip member) could start.
 *
 * <p>The negative control: the same scanner run over the archive's objects and a search index as
 * they would be without encryption (decrypted through the archive's keys) must find every string.
 * So the test fails if encryption were off, or if the scanner could not see through Coffer's own
 * compression.
 */
class PlaintextAbsenceTest {
  @TempDir Path tmp;

  private static final String ASCII = "zebraquokka7341 confidential settlement";
  private static final String CHINESE = "青龙暗号秘密交割";
  private static final String EMOJI = "🦄🪐🧿";
  private static final String ATTACHMENT = "attachmentpayload-walrus-8812";
  private static final String STREAMED = "streamedblob-narwhal-5521";
  private static final String APPENDED = "appendedrecord-okapi-9907";
  /** Sender and in-text phone numbers in the notations people write. */
  private static final String PHONE_A = "+44 7700 900461";
  private static final String PHONE_B = "+1 (415) 555-0198";
  private static final String PHONE_C = "+86 138 0013 8274";

  /** Every string that must not appear, with its digits-only forms for the phone numbers. */
  private static Map<String, byte[]> needles() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (String s : List.of(ASCII, CHINESE, EMOJI, ATTACHMENT, STREAMED, APPENDED, PHONE_A, PHONE_B, PHONE_C,
        "447700900461", "7700900461", "14155550198", "4155550198", "8613800138274", "13800138274")) {
      m.put(s, s.getBytes(StandardCharsets.UTF_8));
    }
    // each word of the ASCII string alone too (the index stores terms, not sentences)
    m.put("zebraquokka7341", "zebraquokka7341".getBytes(StandardCharsets.UTF_8));
    return m;
  }

  private static String chat() {
    return "14/03/2026, 09:00 - Priya Raman created group \"Desk\"\n"
        + "14/03/2026, 09:01 - Priya Raman added " + PHONE_A + "\n"
        + "14/03/2026, 09:02 - " + PHONE_A + ": " + ASCII + "\n"
        + "14/03/2026, 09:03 - " + PHONE_B + ": " + CHINESE + " " + EMOJI + "\n"
        + "14/03/2026, 09:04 - " + PHONE_C + ": call me on " + PHONE_B + " or " + PHONE_C + "\n"
        + "14/03/2026, 09:05 - Priya Raman: DOC-20260314-WA0001.txt (file attached)\n";
  }

  @Test
  void noMessageTextNorPhoneNumberIsOnDiskInAnyForm() throws IOException {
    Path data = tmp.resolve("data");
    CliTest.Run init = CliTest.coffer("init", "--data", data.toString());
    assertThat(init.status()).as(init.err()).isZero();

    Path txt = tmp.resolve("WhatsApp Chat with Desk.txt");
    Files.writeString(txt, chat());
    CliTest.Run imported = CliTest.coffer("import", "whatsapp", txt.toString(), "--zone", "Europe/London",
        "--data", data.toString());
    assertThat(imported.status()).as(imported.err()).isIn(0, 3);

    Path zip = tmp.resolve("WhatsApp Chat - Desk Two.zip");
    try (OutputStream o = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(o)) {
      z.putNextEntry(new ZipEntry("_chat.txt"));
      z.write(chat().replace("Desk", "Desk Two").getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
      z.putNextEntry(new ZipEntry("DOC-20260314-WA0001.txt"));
      z.write(("minutes: " + ATTACHMENT + " " + CHINESE + "\n").repeat(20).getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    CliTest.Run zipped = CliTest.coffer("import", "whatsapp", zip.toString(), "--zone", "Europe/London",
        "--data", data.toString());
    assertThat(zipped.status()).as(zipped.err()).isIn(0, 3);

    // The archive API directly: an append through the commit listener into the search index, a blob
    // from bytes, and a streamed blob whose staging file is inspected while it is being written.
    try (Archive archive = Archives.open(data, ArchiveOptions.defaults());
        SearchIndex index = SearchIndex.open(data.resolve("index"), SearchOptions.defaults(), archive.encryption())) {
      archive.addCommitListener(index);
      index.catchUp(archive, n -> {});
      Conversation c = new Conversation("c-plaintext-test", ConversationKind.DIRECT, "Okapi");
      archive.append(List.of(new Message("m-plaintext-1", "whatsapp", c, new Party(PHONE_C, "Okapi Trader"),
          Instant.parse("2026-03-14T10:00:00Z"), null, APPENDED + " " + CHINESE + " " + EMOJI + " ring " + PHONE_A,
          null, null, false, false, false, null, null, null, false, false, null,
          new Source("test", null, null, null, null))));
      archive.putBlob((ASCII + " " + PHONE_B + "\n").repeat(100).getBytes(StandardCharsets.UTF_8));
      List<String> seenInStaging = new ArrayList<>();
      archive.putBlob(new StagingProbe(data.resolve(ArchiveLayout.STAGING), seenInStaging));
      assertThat(seenInStaging).as("the staging file was inspected while the blob streamed").isNotEmpty()
          .allMatch(String::isEmpty);
      index.commit();
    }
    // the strings were really indexed: the search finds them (through the encrypted index)
    CliTest.Run found = CliTest.coffer("search", "zebraquokka7341", "--data", data.toString(), "--json");
    assertThat(found.status()).as(found.err()).isZero();
    assertThat(found.json().get("total").asLong()).isGreaterThanOrEqualTo(2);

    List<String> leaks = scan(data, needles());
    assertThat(leaks).as("plaintext found under the data directory").isEmpty();

    // Negative control: the same content without encryption is found by the same scanner.
    Path plain = tmp.resolve("plain-view");
    writePlaintextView(data, plain);
    Map<String, byte[]> all = needles();
    List<String> hits = scan(plain, all);
    List<String> missed = new ArrayList<>();
    for (String n : all.keySet()) {
      if (hits.stream().noneMatch(h -> h.startsWith(n + " in "))) {
        missed.add(n);
      }
    }
    assertThat(missed).as("the scanner must see every string when encryption is off").isEmpty();
  }

  /** The archive's objects decrypted, and a search index built without encryption. */
  private static void writePlaintextView(Path data, Path view) throws IOException {
    Encryption enc = Archives.encryption(data, dev.coffer.archive.crypto.MasterKeySource.standard(data));
    assertThat(enc.enabled()).isTrue();
    try (ObjectStore store = ArchiveLayout.openStoreForReading(data, enc); Stream<String> keys = store.list("")) {
      assertThat(store).isInstanceOf(EncryptingObjectStore.class);
      for (String key : keys.toList()) {
        Path out = view.resolve("objects").resolve(key);
        Files.createDirectories(out.getParent());
        Files.write(out, store.get(key));
      }
    }
    try (Archive archive = Archives.open(data, ArchiveOptions.defaults());
        SearchIndex index = SearchIndex.open(view.resolve("index"))) {
      index.catchUp(archive, n -> {});
    }
  }

  /** Every "needle in file (how)" found under {@code root}. */
  static List<String> scan(Path root, Map<String, byte[]> needles) throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      byte[] raw = Files.readAllBytes(f);
      String name = root.relativize(f).toString();
      List<byte[]> views = new ArrayList<>();
      List<String> how = new ArrayList<>();
      views.add(raw);
      how.add("raw");
      add(views, how, "gzip", () -> new GZIPInputStream(new ByteArrayInputStream(raw)));
      add(views, how, "zlib", () -> new InflaterInputStream(new ByteArrayInputStream(raw)));
      add(views, how, "deflate", () -> new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)));
      for (int i = 0; i + 4 <= raw.length; i++) {
        int at = i;
        if ((raw[i] & 0xff) == 0x28 && (raw[i + 1] & 0xff) == 0xb5 && (raw[i + 2] & 0xff) == 0x2f
            && (raw[i + 3] & 0xff) == 0xfd) {
          add(views, how, "zstd@" + at, () -> new ZstdInputStream(new ByteArrayInputStream(raw, at, raw.length - at)));
        }
        if ((raw[i] & 0xff) == 0x1f && (raw[i + 1] & 0xff) == 0x8b && i > 0) {
          add(views, how, "gzip@" + at, () -> new GZIPInputStream(new ByteArrayInputStream(raw, at, raw.length - at)));
        }
      }
      for (Map.Entry<String, byte[]> n : needles.entrySet()) {
        for (int v = 0; v < views.size(); v++) {
          if (indexOf(views.get(v), n.getValue()) >= 0) {
            found.add(n.getKey() + " in " + name + " (" + how.get(v) + ")");
          }
        }
      }
    }
    return found;
  }

  interface Opener {
    InputStream open() throws IOException;
  }

  /** Decompresses as far as the bytes allow (a partial result is still searched). */
  private static void add(List<byte[]> views, List<String> how, String name, Opener opener) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = opener.open()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0 && out.size() < (64 << 20)) {
        out.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      // not (or no longer) that format: keep what decoded
    }
    if (out.size() > 0) {
      views.add(out.toByteArray());
      how.add(name);
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * A 3 MiB blob of text with {@link #STREAMED} in it (random words between, so it is neither
   * trivially compressible nor one chunk); half-way through it scans the staging directory and
   * records, per file, the needles found there (an empty string when none).
   */
  private static final class StagingProbe extends InputStream {
    private final Path staging;
    private final List<String> seen;
    private final Random random = new Random(3);
    private final byte[] line;
    private long left = 3L << 20;
    private int pos;
    private byte[] current;

    StagingProbe(Path staging, List<String> seen) {
      this.staging = staging;
      this.seen = seen;
      this.line = (STREAMED + " " + PHONE_A + " ").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      if (left < (3L << 20) / 2 && seen.isEmpty()) {
        try (Stream<Path> s = Files.list(staging)) {
          for (Path p : s.toList()) {
            byte[] bytes = Files.readAllBytes(p);
            if (bytes.length == 0) {
              continue;
            }
            List<String> hits = scan(p.getParent(), Map.of(STREAMED, STREAMED.getBytes(StandardCharsets.UTF_8),
                "447700900461", "447700900461".getBytes(StandardCharsets.UTF_8)));
            seen.add(String.join(", ", hits));
          }
        }
      }
      if (current == null || pos == current.length) {
        StringBuilder s = new StringBuilder();
        s.append(new String(line, StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
          s.append(Long.toString(random.nextLong(), 36)).append(' ');
        }
        current = s.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        pos = 0;
      }
      int n = (int) Math.min(Math.min(len, current.length - pos), left);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      left -= n;
      return n;
    }
  }
}
