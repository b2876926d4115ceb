package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
  @TempDir Path dir;

  private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-24T19:03:22Z"), ZoneOffset.UTC);

  private Path data() {
    return dir.resolve("data");
  }

  private Archive create() throws IOException {
    return Archives.create(data(), ArchiveOptions.defaults().withClock(FIXED));
  }

  @Test
  void appendAssignsGapFreeSerialsAndReadsBack() throws IOException {
    try (Archive a = create()) {
      AppendResult r = a.append(RecordFixtures.messages(0, 10));
      assertThat(r.appended()).isEqualTo(10);
      assertThat(r.outcomes()).extracting(AppendResult.Outcome::serial).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(a.size()).isEqualTo(10);
      Record third = RecordFixtures.message(2);
      StoredRecord s = a.get(3).orElseThrow();
      assertThat(s.canonical()).isEqualTo(RecordJson.canonical(third));
      assertThat(s.digest()).isEqualTo(RecordJson.digest(RecordJson.canonical(third)));
      assertThat(s.archivedAt()).isEqualTo(FIXED.millis());
      assertThat(s.record()).isEqualTo(third);
      assertThat(a.get(third.id())).contains(s);
      assertThat(a.contains(third.id())).isTrue();
      assertThat(a.contains("nope")).isFalse();
      assertThat(a.get(0)).isEmpty();
      assertThat(a.get(11)).isEmpty();
      assertThat(a.get("nope")).isEmpty();
    }
  }

  @Test
  void duplicatesAcrossCallsAndWithinABatchKeepTheirFirstSerial() throws IOException {
    try (Archive a = create()) {
      a.append(RecordFixtures.messages(0, 5));
      List<Record> batch = new ArrayList<>(RecordFixtures.messages(3, 4)); // 3,4 known; 5,6 new
      batch.add(RecordFixtures.message(5)); // repeated within the batch
      AppendResult r = a.append(batch);
      assertThat(r.outcomes()).extracting(AppendResult.Outcome::serial).containsExactly(4L, 5L, 6L, 7L, 6L);
      assertThat(r.outcomes()).extracting(AppendResult.Outcome::duplicate).containsExactly(true, true, false, false, true);
      assertThat(r.appended()).isEqualTo(2);
      assertThat(r.duplicates()).isEqualTo(3);
      assertThat(a.size()).isEqualTo(7);
      AppendResult again = a.append(RecordFixtures.messages(0, 7));
      assertThat(again.appended()).isZero();
      assertThat(a.size()).isEqualTo(7);
      assertThat(a.append(List.of()).outcomes()).isEmpty();
    }
  }

  @Test
  void reopeningKeepsEverythingAndContinues() throws IOException {
    String id;
    Checkpoint before;
    try (Archive a = create()) {
      a.append(RecordFixtures.messages(0, 100));
      id = a.archiveId();
      before = a.latestCheckpoint();
      assertThat(before.size()).isEqualTo(100);
    }
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(a.archiveId()).isEqualTo(id);
      assertThat(a.size()).isEqualTo(100);
      assertThat(a.latestCheckpoint()).isEqualTo(before);
      assertThat(a.contains(RecordFixtures.message(42).id())).isTrue();
      assertThat(a.append(RecordFixtures.messages(90, 20)).appended()).isEqualTo(10);
      assertThat(a.get(RecordFixtures.message(105).id()).orElseThrow().serial()).isEqualTo(106);
      assertThat(a.directory()).isEqualTo(data().toAbsolutePath().normalize());
    }
  }

  @Test
  void checkpointsAreSignedAndTheirRootIsTheMerkleRootOfTheDigests() throws IOException {
    try (Archive a = create()) {
      assertThat(a.latestCheckpoint().size()).isZero();
      a.append(RecordFixtures.messages(0, 7));
      a.append(RecordFixtures.messages(7, 6));
      Checkpoint cp = a.latestCheckpoint();
      MerkleFrontier f = new MerkleFrontier();
      a.scan(1, r -> {
        f.appendLeafData(Digests.unhex(r.digest()));
        return true;
      });
      assertThat(cp.size()).isEqualTo(13);
      assertThat(cp.root()).isEqualTo(f.root());
      assertThat(cp.archiveId()).isEqualTo(a.archiveId());
      assertThat(cp.verifySignature(SigningKeys.readPublic(data().resolve("keys")))).isTrue();
      assertThat(new String(cp.signedBytes(), StandardCharsets.UTF_8))
          .isEqualTo("coffer-archive/" + a.archiveId() + "\n13\n" + java.util.Base64.getEncoder().encodeToString(f.root())
              + "\ntime " + FIXED.millis() + "\n");
    }
  }

  @Test
  void createRefusesAnExistingArchiveAndOpenExplainsAMissingOne() throws IOException {
    create().close();
    assertThatThrownBy(this::create).isInstanceOf(ArchiveExistsException.class).hasMessageContaining("already exists");
    Path empty = dir.resolve("empty");
    assertThat(Archives.exists(empty)).isFalse();
    assertThatThrownBy(() -> Archives.open(empty, ArchiveOptions.defaults()))
        .isInstanceOf(NoArchiveException.class)
        .hasMessage("no Coffer archive at " + empty.toAbsolutePath() + "; create one with: coffer init --data "
            + empty.toAbsolutePath());
    assertThat(Archives.exists(data())).isTrue();
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() throws IOException {
    try (Archive a = create()) {
      assertThatThrownBy(() -> Archives.open(data(), ArchiveOptions.defaults()))
          .isInstanceOf(dev.coffer.archive.layout.ArchiveInUseException.class)
          .hasMessageContaining("is open for writing by another process");
    }
  }

  @Test
  void privateKeyFileIsOwnerOnly() throws IOException {
    create().close();
    Path key = data().resolve("keys").resolve(SigningKeys.PRIVATE_FILE);
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void concurrentAppendersShareCommitsAndGetUniqueGapFreeSerials() throws Exception {
    try (Archive a = create()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<AppendResult>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int base = t * 10_000;
        results.add(pool.submit(() -> {
          AppendResult last = null;
          for (int i = 0; i < 50; i++) {
            last = a.append(RecordFixtures.messages(base + i * 10L, 10));
          }
          return last;
        }));
      }
      for (Future<AppendResult> f : results) {
        f.get();
      }
      pool.shutdown();
      assertThat(a.size()).isEqualTo(4000);
      Set<String> ids = new HashSet<>();
      long[] expected = {1};
      a.scan(1, r -> {
        assertThat(r.serial()).isEqualTo(expected[0]++);
        ids.add(r.record().id());
        return true;
      });
      assertThat(ids).hasSize(4000);
      long segments;
      try (Stream<Path> s = Files.walk(data().resolve("objects/segments"))) {
        segments = s.filter(Files::isRegularFile).count();
      }
      assertThat(segments).isBetween(1L, 400L);
      System.out.println("[archive] 400 concurrent appends of 10 records went into " + segments + " segments");
    }
  }

  @Test
  void largeAppendsAreSplitIntoSegmentsOfTheConfiguredSize() throws IOException {
    try (Archive a = Archives.create(data(), ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 35));
      try (Stream<Path> s = Files.walk(data().resolve("objects/segments"))) {
        assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted())
            .containsExactly("00000000000000000001.seg", "00000000000000000011.seg", "00000000000000000021.seg",
                "00000000000000000031.seg");
      }
      assertThat(a.get(35).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(34).id());
    }
  }

  @Test
  void scanStreamsFromASerialAndStopsWhenAsked() throws IOException {
    try (Archive a = Archives.create(data(), ArchiveOptions.defaults().withMaxCommitRecords(7))) {
      a.append(RecordFixtures.messages(0, 50));
      List<Long> seen = new ArrayList<>();
      a.scan(23, r -> {
        seen.add(r.serial());
        return r.serial() < 30;
      });
      assertThat(seen).containsExactly(23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
      List<Long> tail = new ArrayList<>();
      a.scan(49, r -> tail.add(r.serial()));
      assertThat(tail).containsExactly(49L, 50L);
      a.scan(51, r -> {
        throw new AssertionError("nothing after the end");
      });
    }
  }

  @Test
  void commitListenersGetTheDurableRecords() throws IOException {
    try (Archive a = create()) {
      List<StoredRecord> got = new ArrayList<>();
      a.addCommitListener(got::addAll);
      a.addCommitListener(records -> {
        throw new IOException("a failing listener does not undo the commit");
      });
      List<Throwable> nested = new ArrayList<>();
      a.addCommitListener(records -> {
        try {
          a.append(RecordFixtures.messages(900, 1));
        } catch (IllegalStateException e) {
          nested.add(e);
        }
      });
      a.append(RecordFixtures.messages(0, 3));
      a.append(RecordFixtures.messages(0, 4));
      assertThat(got).extracting(StoredRecord::serial).containsExactly(1L, 2L, 3L, 4L);
      assertThat(nested).hasSize(2);
      assertThat(a.size()).isEqualTo(4);
      assertThat(got.get(3).record().id()).isEqualTo(RecordFixtures.message(3).id());
    }
  }

  @Test
  void blobsAreStoredOnceAndReadBackVerified() throws IOException {
    try (Archive a = create()) {
      byte[] text = "a chat export line\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
      String h = a.putBlob(text);
      assertThat(h).isEqualTo(Digests.sha256Hex(text));
      assertThat(a.putBlob(text)).isEqualTo(h);
      assertThat(a.putBlob(new ByteArrayInputStream(text))).isEqualTo(h);
      byte[] media = new byte[3 * 1024 * 1024 + 5];
      new Random(3).nextBytes(media);
      Path f = dir.resolve("media.bin");
      Files.write(f, media);
      String m = a.putBlob(f);
      assertThat(a.hasBlob(m)).isTrue();
      assertThat(a.hasBlob("0".repeat(64))).isFalse();
      assertThat(a.hasBlob("not hex")).isFalse();
      try (InputStream in = a.openBlob(h)) {
        assertThat(in.readAllBytes()).isEqualTo(text);
      }
      try (InputStream in = a.openBlob(m)) {
        assertThat(in.readAllBytes()).isEqualTo(media);
      }
      assertThatThrownBy(() -> a.openBlob("0".repeat(64))).isInstanceOf(NoSuchFileException.class);
      // stored once: compressible text smaller than itself, media raw
      long textStored = Files.size(data().resolve("objects").resolve(blobKey(a, h)));
      long mediaStored = Files.size(data().resolve("objects").resolve(blobKey(a, m)));
      assertThat(textStored).isLessThan(text.length / 10);
      long blob = media.length + 26; // blob header 22, CRC 4
      // sealed: encryption header 25, a 16-byte GCM tag per 64 KiB chunk
      assertThat(mediaStored).isEqualTo(25 + blob + 16 * ((blob + 65535) / 65536));
      try (Stream<Path> s = Files.walk(data().resolve("objects/blobs"))) {
        assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(2);
      }
      try (Stream<Path> s = Files.list(data().resolve("tmp"))) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void emptyBlobIsABlob() throws IOException {
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      String h = a.putBlob(new byte[0]);
      assertThat(h).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      try (InputStream in = a.openBlob(h)) {
        assertThat(in.readAllBytes()).isEmpty();
      }
      assertThat(a.putBlob(new ByteArrayInputStream(new byte[0]))).isEqualTo(h);
    }
  }

  @Test
  void aDamagedBlobFailsOnRead() throws IOException {
    String h;
    try (Archive a = create()) {
      h = a.putBlob("evidence that will be damaged".getBytes(StandardCharsets.UTF_8));
    }
    Path file;
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      file = data().resolve("objects").resolve(blobKey(a, h));
    }
    byte[] b = Files.readAllBytes(file);
    b[b.length - 1] ^= 1;
    Files.write(file, b);
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      // sealed: the first chunk fails authentication as the blob is opened
      assertThatThrownBy(() -> {
        try (InputStream in = a.openBlob(h)) {
          in.readAllBytes();
        }
      }).isInstanceOf(CorruptObjectException.class).hasMessageContaining(file.getFileName().toString());
    }
  }

  @Test
  void inMemoryArchiveBehavesTheSame() throws IOException {
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults().withClock(FIXED))) {
      assertThat(a.directory()).isNull();
      a.append(RecordFixtures.messages(0, 20));
      assertThat(a.append(RecordFixtures.messages(10, 20)).appended()).isEqualTo(10);
      assertThat(a.size()).isEqualTo(30);
      assertThat(a.get(30).orElseThrow().archivedAt()).isEqualTo(FIXED.millis());
      assertThat(a.latestCheckpoint().size()).isEqualTo(30);
    }
  }

  @Test
  void theIdIndexCatchesUpAfterACrashAndIsRebuiltWhenDropped() throws IOException {
    Archive a = Archives.create(data(), ArchiveOptions.defaults().withIdIndexCommitRecords(1_000_000).withMaxCommitRecords(50));
    a.append(RecordFixtures.messages(0, 500));
    ((SegmentedArchive) a).crashForTest(); // the id index never committed these
    try (Archive b = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(b.size()).isEqualTo(501); // 500 and the recovery's audit record
      assertThat(b.get(501).orElseThrow().record()).isInstanceOfSatisfying(dev.coffer.model.Audit.class,
          au -> assertThat(au.detail()).containsEntry("id_index_caught_up", "500 records re-read from their segments"));
      assertThat(b.contains(RecordFixtures.message(499).id())).isTrue();
      assertThat(b.append(RecordFixtures.messages(0, 500)).appended()).isZero();
    }
    Archives.dropIdIndex(data());
    try (Archive c = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(c.get(RecordFixtures.message(250).id()).orElseThrow().serial()).isEqualTo(251);
      assertThat(c.append(RecordFixtures.messages(0, 501)).appended()).isEqualTo(1);
    }
  }

  @Test
  void optionsNameTheWrongField() {
    assertThatThrownBy(() -> ArchiveOptions.defaults().withMaxCommitRecords(0))
        .hasMessageContaining("ArchiveOptions.maxCommitRecords").hasMessageContaining("0");
    assertThatThrownBy(() -> ArchiveOptions.defaults().withMaxCommitBytes(10))
        .hasMessageContaining("ArchiveOptions.maxCommitBytes");
    assertThatThrownBy(() -> ArchiveOptions.defaults().withClock(null)).hasMessageContaining("clock");
  }

  /** What {@code coffer proof} will do (issue 3): prove records against the signed checkpoint. */
  @Test
  void recordsProveAgainstTheSignedCheckpoint() throws IOException {
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults().withMaxCommitRecords(9))) {
      a.append(RecordFixtures.messages(0, 20));
      Checkpoint older = a.latestCheckpoint();
      a.append(RecordFixtures.messages(20, 17));
      Checkpoint cp = a.latestCheckpoint();
      List<byte[]> leaves = new ArrayList<>();
      a.scan(1, r -> leaves.add(dev.coffer.archive.merkle.Rfc6962.leafHash(Digests.unhex(r.digest()))));
      dev.coffer.archive.merkle.MerkleProofs.LeafHashes lh = i -> leaves.get((int) i);
      for (long serial = 1; serial <= cp.size(); serial += 5) {
        List<byte[]> proof = dev.coffer.archive.merkle.MerkleProofs.inclusionProof(serial - 1, cp.size(), lh);
        assertThat(dev.coffer.archive.merkle.MerkleProofs.verifyInclusion(serial - 1, cp.size(), leaves.get((int) serial - 1),
            proof, cp.root())).isTrue();
      }
      List<byte[]> consistency = dev.coffer.archive.merkle.MerkleProofs.consistencyProof(older.size(), cp.size(), lh);
      assertThat(dev.coffer.archive.merkle.MerkleProofs.verifyConsistency(older.size(), cp.size(), older.root(), cp.root(),
          consistency)).isTrue();
    }
  }

  @Test
  void randomReadsAcrossManySegmentsReturnTheRightRecords() throws IOException {
    try (Archive a = Archives.create(data(), ArchiveOptions.defaults().withMaxCommitRecords(13))) {
      a.append(RecordFixtures.messages(0, 400));
      Random r = new Random(5);
      for (int i = 0; i < 300; i++) {
        long serial = 1 + r.nextInt(400);
        assertThat(a.get(serial).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(serial - 1).id());
        assertThat(a.get(RecordFixtures.message(serial - 1).id()).orElseThrow().serial()).isEqualTo(serial);
      }
    }
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(a.get(399).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(398).id());
      assertThat(a.get(14).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(13).id());
    }
  }

  /** The object key of a blob: its name is keyed in an encrypted archive, not the digest. */
  static String blobKey(Archive a, String sha256) {
    return ArchiveLayout.blobKeyOfName(a.encryption().blobNames().nameOf(sha256));
  }
}
