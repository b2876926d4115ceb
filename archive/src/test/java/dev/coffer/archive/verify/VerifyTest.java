package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.RecordFixtures;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.segment.Segment;
import dev.coffer.archive.segment.SegmentEntry;
import dev.coffer.archive.segment.SegmentFormat;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.idindex.IdIndex;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.ObjectStore;
import org.apache.lucene.store.FSDirectory;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {
  @TempDir Path dir;

  /** An archive with every kind of file: segments, checkpoints, zstd and raw blobs, keys, manifest, id index. */
  static Path build(Path data) throws IOException {
    try (Archive a = Archives.create(data, ArchiveOptions.defaults().withMaxCommitRecords(20))) {
      for (int i = 0; i < 5; i++) {
        a.append(RecordFixtures.messages(i * 23L, 23));
      }
      a.putBlob("an exported chat, compressible\n".repeat(400).getBytes(StandardCharsets.UTF_8));
      byte[] media = new byte[5000];
      new Random(1).nextBytes(media);
      a.putBlob(media);
      a.putBlob("tiny".getBytes(StandardCharsets.UTF_8));
    }
    // The search module's directory is not the archive's to verify.
    Files.createDirectories(data.resolve("index"));
    Files.write(data.resolve("index/anything"), new byte[] {1, 2, 3});
    return data;
  }

  static List<Path> files(Path data) throws IOException {
    try (Stream<Path> walk = Files.walk(data)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !data.relativize(p).toString().startsWith("index"))
          // the writer's lock file is advice for people and recovery, not evidence: verify does not read it
          .filter(p -> !data.relativize(p).toString().equals(dev.coffer.archive.layout.ArchiveLock.FILE))
          .filter(p -> {
            try {
              return Files.size(p) > 0;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .sorted().toList();
    }
  }

  static String rel(Path data, Path file) {
    return data.relativize(file).toString().replace('\\', '/');
  }

  @Test
  void aHealthyArchiveVerifiesAndProgressReachesTheTotal() throws IOException {
    Path data = build(dir.resolve("data"));
    AtomicLong last = new AtomicLong(-1);
    AtomicLong totalSeen = new AtomicLong();
    VerifyReport r = Verifier.verify(data, (read, total) -> {
      assertThat(read).isGreaterThanOrEqualTo(last.get());
      last.set(read);
      totalSeen.set(total);
    });
    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.records()).isEqualTo(115);
    assertThat(r.treeSize()).isEqualTo(115);
    assertThat(r.blobs()).isEqualTo(3);
    assertThat(r.segments()).isEqualTo(10);
    assertThat(r.checkpoints()).isEqualTo(11); // size 0, then one per segment
    assertThat(last.get()).isEqualTo(totalSeen.get()).isEqualTo(r.bytesRead());
    long onDisk = 0;
    for (Path f : files(data)) {
      onDisk += Files.size(f);
    }
    assertThat(r.bytesRead()).isEqualTo(onDisk);
  }

  @Test
  void everyFileKindIsPresentInTheTestArchive() throws IOException {
    Path data = build(dir.resolve("data"));
    List<String> names = files(data).stream().map(p -> rel(data, p)).toList();
    assertThat(names).anyMatch(n -> n.equals("archive.manifest"));
    assertThat(names).anyMatch(n -> n.endsWith(".pub"));
    assertThat(names).anyMatch(n -> n.endsWith(".key"));
    assertThat(names).anyMatch(n -> n.endsWith(".seg"));
    assertThat(names).anyMatch(n -> n.endsWith(".ckpt"));
    assertThat(names).anyMatch(n -> n.startsWith("objects/blobs/"));
    assertThat(names).anyMatch(n -> n.startsWith("idindex/segments_"));
    assertThat(names).anyMatch(n -> n.startsWith("idindex/") && !n.startsWith("idindex/segments_"));
  }

  /** Exhaustive over files: a flipped byte at the start, the middle and the end of every file is found and named. */
  @Test
  void oneFlippedByteInAnyFileIsFoundAndNamed() throws IOException {
    Path data = build(dir.resolve("data"));
    Random random = new Random(42);
    int flips = 0;
    for (Path file : files(data)) {
      long size = Files.size(file);
      for (long pos : new long[] {0, size / 2, size - 1, (long) (random.nextDouble() * size)}) {
        FlipProperties.assertFlipFound(data, file, pos, 1 + random.nextInt(255));
        flips++;
      }
    }
    assertThat(flips).isGreaterThan(40);
    assertThat(Verifier.verify(data, VerifyListener.NONE).ok()).isTrue();
  }

  @Test
  void aMissingSegmentIsAGap() throws IOException {
    Path data = build(dir.resolve("data"));
    // batches of 23 with commits of at most 20: segments start at 1, 21, 24, 44, 47, ...
    Files.delete(data.resolve("objects").resolve(ArchiveLayout.segmentKey(21)));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).anyMatch(p -> p.what().contains("serial gap: records 21..23 are missing")
        && p.object().equals("objects/" + ArchiveLayout.segmentKey(24)));
  }

  @Test
  void aDamagedSegmentIsNamedFirstAndTheCheckpointsItHidesAreOneConsequenceLine() throws IOException {
    Path data = build(dir.resolve("data"));
    Path segment = data.resolve("objects").resolve(ArchiveLayout.segmentKey(24));
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(segment, bytes);
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems().get(0).object()).isEqualTo("objects/" + ArchiveLayout.segmentKey(24));
    assertThat(r.problems()).noneMatch(p -> p.what().contains("covers more records than the segments hold"));
    assertThat(r.problems()).filteredOn(p -> p.what().contains("cannot be checked")).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void aMissingLastCheckpointLeavesRecordsUncovered() throws IOException {
    Path data = build(dir.resolve("data"));
    Files.delete(data.resolve("objects").resolve(ArchiveLayout.checkpointKey(115)));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.what()).contains("records 113..115 are not covered"));
  }

  @Test
  void anUnexpectedFileIsReported() throws IOException {
    Path data = build(dir.resolve("data"));
    Files.write(data.resolve("objects/segments/stray.txt"), new byte[] {1});
    Files.write(data.resolve("notes.txt"), new byte[] {1});
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).extracting(Problem::object).containsExactly("objects/segments/stray.txt", "notes.txt");
  }

  /** A forger who rewrites a record and fixes the segment's CRC and the digest is caught by the signed roots. */
  @Test
  void aConsistentlyForgedRecordBreaksTheSignedRoot() throws IOException {
    Path data = build(dir.resolve("data"));
    String key = ArchiveLayout.segmentKey(47);
    Segment seg = SegmentFormat.decode(key, readObject(data, key), true);
    List<SegmentEntry> forged = new ArrayList<>(seg.entries());
    SegmentEntry e = forged.get(3); // serial 50
    byte[] json = new String(e.canonical(), StandardCharsets.UTF_8).replace("message number", "message NUMBER")
        .getBytes(StandardCharsets.UTF_8);
    forged.set(3, new SegmentEntry(e.id(), Digests.sha256(json), json));
    writeObject(data, key, SegmentFormat.encode(new Segment(seg.firstSerial(), seg.archivedAt(), forged)));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.ok()).isFalse();
    // The first checkpoint after the forgery, the segment and the records it narrows them to (from the
    // signed tree at 46, records 65..66 are a subtree checkpoint 66 signs, and they are intact), then
    // the later checkpoints as one consequence: each is consistent with the one before it.
    assertThat(r.problems()).extracting(Problem::object).containsExactly(
        "objects/" + ArchiveLayout.checkpointKey(66), "objects/" + key, "objects/" + ArchiveLayout.checkpointKey(69));
    assertThat(r.problems().get(0).what()).contains("signed root differs").contains("at size 66");
    assertThat(r.problems().get(1).what()).startsWith("one of records 47..64 was changed after checkpoint 66 signed it");
    assertThat(r.problems().get(2).what()).startsWith("5 later checkpoint(s), up to size 115, differ from the recomputed tree only");
  }

  /**
   * Two forged records in two segments are each named by segment and narrowed to the records a signed
   * subtree pins down, not hidden behind the first: every checkpoint's signed frontier is where the
   * next stretch of records is checked from.
   */
  @Test
  void forgedRecordsInTwoCompactSegmentsAreEachNamed() throws IOException {
    Path data = build(dir.resolve("data"));
    String first = ArchiveLayout.segmentKey(1);
    String second = ArchiveLayout.segmentKey(67);
    forge(data, first, 17); // record 18: checkpoint 20 signs records 17..20 as one subtree
    forge(data, second, 1); // record 68: from the tree at 66, records 67..68 (69 is a signed subtree of its own)
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems()).filteredOn(p -> p.object().endsWith(".seg")).extracting(Problem::object, Problem::what)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("objects/" + first, "one of records 17..20 was changed after checkpoint 20 "
                + "signed it (from the signed tree of size 0, records 17..20 do not give the subtree root it signs)"),
            org.assertj.core.groups.Tuple.tuple("objects/" + second, "one of records 67..68 was changed after checkpoint 69 "
                + "signed it (from the signed tree of size 66, the records up to 69 do not give its signed root)"));
    assertThat(r.problems()).filteredOn(p -> p.what().contains("signed root differs")).extracting(Problem::object)
        .containsExactly("objects/" + ArchiveLayout.checkpointKey(20), "objects/" + ArchiveLayout.checkpointKey(69));
  }

  /** Rewrites record {@code index} of a segment consistently (its own id and digest; a valid CRC, sealed). */
  private static void forge(Path data, String key, int index) throws IOException {
    Segment seg = SegmentFormat.decode(key, readObject(data, key), true);
    List<SegmentEntry> forged = new ArrayList<>(seg.entries());
    SegmentEntry e = forged.get(index);
    byte[] json = ("{\"id\":\"" + e.id() + "\",\"text\":\"forged\"}").getBytes(StandardCharsets.UTF_8);
    forged.set(index, new SegmentEntry(e.id(), Digests.sha256(json), json));
    writeObject(data, key, SegmentFormat.encode(new Segment(seg.firstSerial(), seg.archivedAt(), forged)));
  }

  @Test
  void aRecordThatDoesNotMatchItsDigestIsNamedBySerial() throws IOException {
    Path data = build(dir.resolve("data"));
    String key = ArchiveLayout.segmentKey(1);
    Segment seg = SegmentFormat.decode(key, readObject(data, key), true);
    List<SegmentEntry> forged = new ArrayList<>(seg.entries());
    SegmentEntry e = forged.get(4);
    forged.set(4, new SegmentEntry(e.id(), e.digest(), "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    writeObject(data, key, SegmentFormat.encode(new Segment(seg.firstSerial(), seg.archivedAt(), forged)));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).anyMatch(p -> p.what().equals("record 5 does not match its digest")
        && p.expected().equals(Digests.hex(e.digest())) && p.object().equals("objects/" + key));
  }

  @Test
  void aChangedRecordInACompactSegmentIsFoundByTheSignedTree() throws IOException {
    Path data = build(dir.resolve("data"));
    String key = ArchiveLayout.segmentKey(1);
    byte[] bytes = readObject(data, key);
    assertThat(bytes[4]).isEqualTo(SegmentFormat.VERSION_COMPACT);
    Segment seg = SegmentFormat.decode(key, bytes, true);
    List<SegmentEntry> forged = new ArrayList<>(seg.entries());
    SegmentEntry e = forged.get(4);
    // Consistent in itself (its id, its own digest): only the tree signed at the commit can tell.
    byte[] json = ("{\"id\":\"" + e.id() + "\",\"text\":\"forged\"}").getBytes(StandardCharsets.UTF_8);
    forged.set(4, new SegmentEntry(e.id(), Digests.sha256(json), json));
    writeObject(data, key, SegmentFormat.encode(new Segment(seg.firstSerial(), seg.archivedAt(), forged)));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).extracting(Problem::object).containsExactly("objects/" + ArchiveLayout.checkpointKey(seg.lastSerial()),
        "objects/" + key, "objects/" + ArchiveLayout.checkpointKey(23));
    assertThat(r.problems().get(0).what()).contains("signed root differs");
    // Record 5 is in the first 16, a subtree checkpoint 20 signs: the segment and those records are named.
    assertThat(r.problems().get(1).what()).startsWith("one of records 1..16 was changed after checkpoint 20 signed it");
    assertThat(r.problems().get(2).what()).contains("later checkpoint(s)").contains("consistent with the one before it");
  }

  /**
   * An archive written before version 3 holds every segment in the full form (digests and ids stored):
   * it verifies, reads, and grows with compact segments beside the old ones.
   */
  @Test
  void anArchiveOfFullSegmentsVerifiesReadsAndGrowsWithCompactOnes() throws IOException {
    Path data = build(dir.resolve("data"));
    List<String> keys;
    Encryption enc = Archives.encryption(data, MasterKeySource.standard(data));
    try (ObjectStore s = enc.wrap(new FileObjectStore(data.resolve("objects")));
        java.util.stream.Stream<String> listed = s.list(ArchiveLayout.SEGMENTS)) {
      keys = listed.toList();
    }
    List<String> before = new ArrayList<>();
    for (String key : keys) {
      Segment seg = SegmentFormat.decode(key, readObject(data, key), true);
      for (SegmentEntry e : seg.entries()) {
        before.add(new String(e.canonical(), StandardCharsets.UTF_8));
      }
      writeObject(data, key, SegmentFormat.encodeFull(seg));
      assertThat(readObject(data, key)[4]).isEqualTo(SegmentFormat.VERSION);
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    Archives.dropIdIndex(data); // rebuilt from the full segments on open
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      List<String> read = new ArrayList<>();
      a.scan(1, r -> {
        read.add(new String(r.canonical(), StandardCharsets.UTF_8));
        return true;
      });
      assertThat(read).startsWith(before.toArray(String[]::new));
      a.append(RecordFixtures.messages(5000, 7));
    }
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).isEmpty();
    String newest;
    try (ObjectStore s = enc.wrap(new FileObjectStore(data.resolve("objects")));
        java.util.stream.Stream<String> listed = s.list(ArchiveLayout.SEGMENTS)) {
      newest = listed.reduce((x, y) -> y).orElseThrow();
    }
    assertThat(newest).isNotIn(keys);
    assertThat(readObject(data, newest)[4]).isEqualTo(SegmentFormat.VERSION_COMPACT);
    assertThat(readObject(data, keys.get(0))[4]).isEqualTo(SegmentFormat.VERSION);
  }

  @Test
  void aDroppedIdIndexIsNotDamageAndAnOpenArchiveVerifies() throws IOException {
    Path data = build(dir.resolve("data"));
    Archives.dropIdIndex(data);
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(1000, 10));
      assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    }
  }

  @Test
  void anIdIndexThatDoesNotMatchTheRecordsIsDerivedDamage() throws IOException {
    Path data = build(dir.resolve("data"));
    Path index = data.resolve("idindex");
    dev.coffer.archive.FileFixtures.deleteTree(index);
    // A sound index under the archive's own index key, holding other ids for the same serials.
    Encryption enc = Archives.encryption(data, MasterKeySource.standard(data));
    try (IdIndex other = IdIndex.open(enc.wrap(FSDirectory.open(index), Encryption.ID_INDEX))) {
      List<String> ids = new ArrayList<>();
      RecordFixtures.messages(50_000, 115).forEach(m -> ids.add(m.id()));
      other.add(ids, 1);
      other.commit();
    }
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.object()).isEqualTo("idindex");
      assertThat(p.what()).startsWith("derived index damaged, run coffer reindex");
    });
  }

  @Test
  void swappedSegmentsAndSwappedBlobsAreNamed() throws IOException {
    Path data = build(dir.resolve("data"));
    Path a = data.resolve("objects").resolve(ArchiveLayout.segmentKey(1));
    Path b = data.resolve("objects").resolve(ArchiveLayout.segmentKey(21));
    swap(a, b);
    List<Path> blobs;
    try (var s = Files.walk(data.resolve("objects/blobs"))) {
      blobs = s.filter(Files::isRegularFile).sorted().toList();
    }
    swap(blobs.get(0), blobs.get(1));
    VerifyReport r = Verifier.verify(data, VerifyListener.NONE);
    assertThat(r.ok()).isFalse();
    for (Path p : List.of(a, b, blobs.get(0), blobs.get(1))) {
      assertThat(r.problems()).anyMatch(x -> x.object().equals(rel(data, p)) && x.what().contains("moved from another object"));
    }
  }

  @Test
  void aMissingOrWrongMasterKeyIsOneClearProblem() throws IOException {
    Path data = build(dir.resolve("data"));
    Path key;
    try (var s = Files.list(data.resolve("keys"))) {
      key = s.filter(p -> p.getFileName().toString().startsWith("master-")).findFirst().orElseThrow();
    }
    VerifyReport wrong = Verifier.verify(data, VerifyListener.NONE,
        MasterKeySource.of(dev.coffer.archive.crypto.MasterKeyFile.generate(0)));
    assertThat(wrong.ok()).isFalse();
    assertThat(wrong.problems()).singleElement().satisfies(p -> {
      assertThat(p.object()).isEqualTo("keys/keyring");
      assertThat(p.what()).contains("cannot decrypt the archive").contains("needs master key");
    });
    Files.move(key, dir.resolve("elsewhere.key"));
    VerifyReport missing = Verifier.verify(data, VerifyListener.NONE, MasterKeySource.standard(data, java.util.Map.of()));
    assertThat(missing.problems()).singleElement().satisfies(p ->
        assertThat(p.what()).contains(key.getFileName().toString().substring(7, 23)).contains("COFFER_MASTER_KEY")
            .contains(data.resolve("keys").toString()));
  }

  private static void swap(Path a, Path b) throws IOException {
    byte[] x = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, x);
  }

  /** An object's plaintext, read through the archive's keys (a forger who holds them). */
  static byte[] readObject(Path data, String key) throws IOException {
    Encryption enc = Archives.encryption(data, MasterKeySource.standard(data));
    try (ObjectStore s = enc.wrap(new FileObjectStore(data.resolve("objects")))) {
      return s.get(key);
    }
  }

  /** Replaces an object with {@code plain}, sealed with the archive's keys. */
  static void writeObject(Path data, String key, byte[] plain) throws IOException {
    Encryption enc = Archives.encryption(data, MasterKeySource.standard(data));
    try (ObjectStore s = enc.wrap(new FileObjectStore(data.resolve("objects")))) {
      s.delete(key);
      s.put(key, plain);
    }
  }
}
