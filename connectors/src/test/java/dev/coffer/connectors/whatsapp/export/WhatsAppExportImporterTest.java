package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Attachment;
import dev.coffer.model.Audit;
import dev.coffer.model.Digests;
import dev.coffer.model.Message;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end against the real archive (in memory). */
class WhatsAppExportImporterTest {
  @TempDir Path dir;
  Archive archive;
  WhatsAppExportImporter importer;
  final ImportOptions options = ImportOptions.of(ZoneId.of("Europe/Berlin"))
      .withOwner("+15550100000", "Priya").withActor("tester", "test-host");

  @BeforeEach
  void open() throws IOException {
    archive = Archives.inMemory(ArchiveOptions.defaults());
    importer = new WhatsAppExportImporter(archive);
  }

  @AfterEach
  void close() throws IOException {
    archive.close();
  }

  List<Record> all() throws IOException {
    List<Record> out = new ArrayList<>();
    archive.scan(1, r -> out.add(r.record()));
    return out;
  }

  @Test
  void mediaTypesByExtensionAreWhatTikaSays() {
    org.apache.tika.Tika tika = new org.apache.tika.Tika();
    for (var e : WhatsAppExportImporter.TYPES_BY_EXTENSION.entrySet()) {
      for (String name : List.of("IMG-20261124-WA0001." + e.getKey(), "x." + e.getKey(), "Quarterly report v2." + e.getKey())) {
        assertThat(WhatsAppExportImporter.typeOfName(name)).as(name).isEqualTo(tika.detect(name)).isEqualTo(e.getValue());
      }
    }
    // names outside the table are Tika's answer
    for (String name : List.of("PHOTO.JPG", "archive.tar.gz", "no-extension", "sticker.WEBP", "a.heic")) {
      assertThat(WhatsAppExportImporter.typeOfName(name)).as(name).isEqualTo(tika.detect(name));
    }
  }

  @Test
  void androidZipWithMediaStoresAttachmentsWithTypesFromTheirBytes() throws Exception {
    assertZipImport(ExportGenerator.Platform.ANDROID);
  }

  @Test
  void iosZipWithMediaStoresAttachmentsWithTypesFromTheirBytes() throws Exception {
    assertZipImport(ExportGenerator.Platform.IOS);
  }

  private void assertZipImport(ExportGenerator.Platform platform) throws Exception {
    ExportGenerator g = new ExportGenerator(
        new ExportGenerator.Options(300, 7, platform, "en", 5, true));
    Path zip = dir.resolve(g.fileName());
    g.write(zip);
    long[] lastProgress = {0, 0};
    ExportImportReport r = importer.importExport(zip, options, (t, d) -> {
      lastProgress[0] = t;
      lastProgress[1] = d;
    });
    assertThat(r.complete()).isTrue();
    assertThat(r.linesTotal()).isGreaterThanOrEqualTo(300);
    assertThat(r.status()).isEqualTo(ExitStatus.OK);
    assertThat(r.conversationTitle()).isEqualTo(g.title());
    assertThat(r.conversationKind()).isEqualTo("group");
    assertThat(r.attachmentsStored()).isPositive();
    assertThat(lastProgress[1]).isEqualTo(lastProgress[0]);
    assertThat(archive.hasBlob(r.fileSha256())).isTrue();
    assertThat(archive.hasBlob(r.chatTextSha256())).isTrue();
    assertThat(r.fileSha256()).isEqualTo(Digests.sha256Hex(Files.readAllBytes(zip)));
    List<Record> records = all();
    assertThat(records).hasSize((int) r.recordsAppended());
    List<String> types = new ArrayList<>();
    for (Record rec : records) {
      assertThat(rec.source().raw()).isIn(r.chatTextSha256(), r.chatTextSha256());
      if (rec instanceof Message m) {
        for (Attachment a : m.attachmentList()) {
          if (!a.missing()) {
            assertThat(archive.hasBlob(a.sha256())).isTrue();
            assertThat(a.size()).isPositive();
            types.add(a.mediaType());
          }
        }
        if (m.contact() != null && m.contact().vcardSha256() != null) {
          assertThat(m.contact().phones()).containsExactly("+447700900777");
        }
      }
    }
    assertThat(types).contains("image/jpeg", "image/png", "text/plain");
    Record last = records.get(records.size() - 1);
    assertThat(last).isInstanceOf(Audit.class);
    Audit audit = (Audit) last;
    assertThat(audit.action()).isEqualTo("import");
    assertThat(audit.detail()).containsEntry("file_sha256", r.fileSha256())
        .containsEntry("zone", "Europe/Berlin").containsEntry("date_order", r.dateOrder().name())
        .containsEntry("lines_total", Long.toString(r.linesTotal()));
    assertThat(audit.sender().handle()).isEqualTo("tester");
    assertThat(audit.conversation()).isNull();
    assertThat(audit.targets()).containsExactly(r.conversationId());
  }

  @Test
  void reimportAppendsOnlyANewAuditRecord() throws Exception {
    Path txt = write("WhatsApp Chat with Ann.txt", GoldenFixturesTest.resource(
        "golden/android-24h-dmy.txt"));
    ExportImportReport first = importer.importExport(txt, options, null);
    ExportImportReport second = importer.importExport(txt, options, null);
    assertThat(second.recordsAppended()).isEqualTo(1);
    assertThat(second.duplicates()).isEqualTo(first.recordsAppended() - 1);
    assertThat(second.conversationId()).isEqualTo(first.conversationId());
  }

  @Test
  void overlappingExportsImportIdempotentlyAndSameMinuteTwinsStayTwo() throws Exception {
    String a = """
        02/03/2024, 09:00 - Ann: hello
        02/03/2024, 09:01 - Bob: ok
        02/03/2024, 09:01 - Bob: ok
        02/03/2024, 09:02 - Ann: see you
        """;
    String b = """
        02/03/2024, 09:01 - Bob: ok
        02/03/2024, 09:01 - Bob: ok
        02/03/2024, 09:02 - Ann: see you
        21/03/2024, 10:00 - Bob: new
        """;
    importer.importExport(write("WhatsApp Chat with Bob.txt", a.getBytes(StandardCharsets.UTF_8)),
        options, null);
    ExportImportReport rb = importer.importExport(
        write("WhatsApp Chat with Bob (1).txt", b.getBytes(StandardCharsets.UTF_8)), options, null);
    assertThat(rb.duplicates()).isEqualTo(3);
    assertThat(rb.recordsAppended()).isEqualTo(2); // "new" and the audit record
    long oks = all().stream().filter(r -> r instanceof Message m && "ok".equals(m.text())).count();
    assertThat(oks).isEqualTo(2);
    assertThat(all().stream().filter(r -> r instanceof Message).count()).isEqualTo(5);
  }

  @Test
  void identicalLinesFarApartInOneFileAreNeverMerged() throws Exception {
    StringBuilder sb = new StringBuilder("02/03/2024, 09:00 - Ann: twin\n");
    for (int i = 0; i < RecordMapper.OCCURRENCE_MEMORY + 10; i++) {
      sb.append("02/03/2024, 09:00 - Ann: filler ").append(i).append('\n');
    }
    sb.append("02/03/2024, 09:00 - Ann: twin\n");
    ExportImportReport r = importer.importExport(
        write("WhatsApp Chat with Ann.txt", sb.toString().getBytes(StandardCharsets.UTF_8)),
        options, null);
    assertThat(r.duplicates()).isZero();
    assertThat(all().stream().filter(x -> x instanceof Message m && "twin".equals(m.text())))
        .hasSize(2);
    // Re-importing still finds both as duplicates and adds nothing but the audit.
    ExportImportReport again = importer.importExport(
        write("WhatsApp Chat with Ann.txt", sb.toString().getBytes(StandardCharsets.UTF_8)),
        options, null);
    assertThat(again.recordsAppended()).isEqualTo(1);
  }

  @Test
  void zipSlipIsRefusedAndNothingIsWritten() throws Exception {
    Path zip = zip("WhatsApp Chat - X.zip", "_chat.txt", "1/2/24, 10:00 - Ann: hi\n",
        "../evil.txt", "boom");
    refused(zip, ExitStatus.UNSAFE_ZIP_PATH);
    Path abs = zip("abs.zip", "_chat.txt", "1/2/24, 10:00 - Ann: hi\n", "/etc/evil", "boom");
    refused(abs, ExitStatus.UNSAFE_ZIP_PATH);
    assertThat(Files.exists(dir.resolve("evil.txt"))).isFalse();
  }

  @Test
  void zipBombIsRefusedWhileStreaming() throws Exception {
    Path bomb = dir.resolve("bomb.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new ZipEntry("_chat.txt"));
      z.write("1/2/24, 10:00 - Ann: hi\n".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("IMG-1.jpg"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) {
        z.write(zeros); // 200 MiB of zeros compress to a few hundred KiB
      }
      z.closeEntry();
    }
    refused(bomb, ExitStatus.ZIP_BOMB);
  }

  @Test
  void emptyBinaryNoChatAndNotAnExportAreRefused() throws Exception {
    refused(write("empty.txt", new byte[0]), ExitStatus.EMPTY);
    refused(write("bom.txt", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}), ExitStatus.EMPTY);
    refused(write("bin.txt", new byte[] {'1', '/', 0, 1, 2, 3}), ExitStatus.BINARY);
    refused(zip("nochat.zip", "IMG-1.jpg", "x"), ExitStatus.NO_CHAT_TEXT);
    refused(write("notes.txt", "just some notes\nno headers\n".getBytes(StandardCharsets.UTF_8)),
        ExitStatus.NOT_AN_EXPORT);
    refused(dir.resolve("missing.txt"), ExitStatus.INPUT_UNREADABLE);
    refused(write("fake.zip", "PK\u0003\u0004garbage".getBytes(StandardCharsets.ISO_8859_1)),
        ExitStatus.NO_CHAT_TEXT);
  }

  @Test
  void invalidUtf8AndHugeLinesAreKeptAsUnparsedWithoutLosingLines() throws Exception {
    byte[] head = "1/2/24, 10:00 - Ann: ok\n1/2/24, 10:01 - Ann: bad \u0000"
        .getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 4];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length - 1] = (byte) 0xFF;
    bytes[head.length] = '\n';
    System.arraycopy("x\n".getBytes(StandardCharsets.UTF_8), 0, bytes, head.length + 1, 2);
    bytes[head.length + 3] = '\n';
    ImportOptions small = options.withLimits(new ImportLimits(64, 1 << 20, 1L << 30, 100, 1000));
    StringBuilder huge = new StringBuilder(new String(bytes, StandardCharsets.ISO_8859_1));
    huge.append("1/2/24, 10:02 - Ann: ").append("y".repeat(500)).append('\n');
    Path f = write("WhatsApp Chat with Ann.txt", huge.toString().getBytes(StandardCharsets.ISO_8859_1));
    ExportImportReport r = importer.importExport(f, small, null);
    assertThat(r.complete()).isTrue();
    assertThat(r.unparsed()).isEqualTo(2);
    assertThat(r.status()).isEqualTo(ExitStatus.IMPORTED_WITH_UNPARSED);
    assertThat(r.status().code()).isEqualTo(3);
  }

  private void refused(Path input, ExitStatus status) throws IOException {
    long before = archive.size();
    assertThatThrownBy(() -> importer.importExport(input, options, null))
        .isInstanceOf(ExportRefusedException.class)
        .satisfies(e -> assertThat(((ExportRefusedException) e).status()).isEqualTo(status))
        .hasMessageNotContaining("Ann: hi");
    assertThat(archive.size()).isEqualTo(before);
    if (Files.exists(input)) {
      assertThat(archive.hasBlob(Digests.sha256Hex(Files.readAllBytes(input)))).isFalse();
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path zip(String name, String... entries) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream o = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(o)) {
      for (int i = 0; i < entries.length; i += 2) {
        z.putNextEntry(new ZipEntry(entries[i]));
        z.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return p;
  }
}
