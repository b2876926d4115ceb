package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.store.FaultInjectingObjectStore;
import dev.coffer.archive.store.FileObjectStore;
import dev.coffer.archive.store.MirroredObjectStore;
import dev.coffer.archive.store.MirroredObjectStore.Policy;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Problem;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redundant copy: writes reach both sides per policy, reads fall back, compare names differences, restore repairs. */
class MirrorTest {
  @TempDir Path dir;

  private Path data() {
    return dir.resolve("data");
  }

  private Path mirrorDir() {
    return dir.resolve("mirror");
  }

  private Path primaryFile(String key) {
    return data().resolve(ArchiveLayout.OBJECTS).resolve(key);
  }

  @Test
  void addingAMirrorCopiesEverythingAndBothPolicyWritesEachObjectTwiceBeforeReturning() throws IOException {
    try (Archive a = Archives.create(data(), ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 35));
      a.putBlob("an original".getBytes(StandardCharsets.UTF_8));
    }
    Mirrors.Added added = Mirrors.add(data(), mirrorDir(), Policy.BOTH, "os:admin", "host-1");
    assertThat(added.copied()).isEqualTo(4 + 5 + 1); // 4 segments, checkpoints 0,10,20,30,35, one blob
    assertThat(Mirrors.compare(data()).problems()).isEmpty();
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      Audit audit = (Audit) a.get(a.size()).orElseThrow().record();
      assertThat(audit.action()).isEqualTo("mirror-add");
      assertThat(audit.detail()).containsEntry("policy", "both").containsEntry("objects_copied", "10");
      a.append(RecordFixtures.messages(100, 7));
      String sha = a.putBlob("another original".getBytes(StandardCharsets.UTF_8));
      // 'both': on the mirror when the call returned, nothing pending
      assertThat(a.mirror()).hasValueSatisfying(m -> assertThat(m.pendingWrites()).isZero());
      assertThat(Files.exists(mirrorDir().resolve(ArchiveLayout.OBJECTS).resolve(FileFixtures.blobKeyIn(data(), sha)))).isTrue();
      assertThat(Files.exists(mirrorDir().resolve(ArchiveLayout.OBJECTS).resolve(ArchiveLayout.checkpointKey(a.size()))))
          .isTrue();
    }
    Mirrors.Comparison c = Mirrors.compare(data());
    assertThat(c.problems()).isEmpty();
    assertThat(c.primaryObjects()).isEqualTo(c.mirrorObjects());
    // The mirror is an archive directory of its own: verify checks it alone.
    // (with the primary's master key: the mirror holds none)
    assertThat(Verifier.verify(mirrorDir(), VerifyListener.NONE, MasterKeySource.standard(data(), java.util.Map.of()))
        .problems()).isEmpty();
    assertThat(Verifier.verify(data(), VerifyListener.NONE).problems()).isEmpty();
  }

  @Test
  void theMirrorCarriesEveryKeyringButNeverTheMasterKeyAndALostPrimaryIsRebuiltFromIt() throws IOException {
    String before;
    try (Archive a = Archives.create(data(), ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 15));
      before = a.putBlob("before the rotation".getBytes(StandardCharsets.UTF_8));
    }
    Mirrors.add(data(), mirrorDir(), Policy.BOTH, "os:admin", "host-1");
    Path mirrorKeys = mirrorDir().resolve(ArchiveLayout.KEYS);
    assertThat(masterKeyFiles(data().resolve(ArchiveLayout.KEYS))).hasSize(1);
    assertThat(masterKeyFiles(mirrorKeys)).as("no master key on the mirror").isEmpty();
    assertThat(mirrorKeys.resolve(KeyRing.FILE)).hasSameBinaryContentAs(data().resolve("keys/keyring"));

    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      Archives.rotateKeys(a, null, "os:admin", "host-1");
      // the rotated keyring is on the mirror when rotate returns, and the rotation record says so
      assertThat(mirrorKeys.resolve(KeyRing.FILE)).hasSameBinaryContentAs(data().resolve("keys/keyring"));
      Audit done = (Audit) a.get(a.size()).orElseThrow().record();
      assertThat(done.action()).isEqualTo("keys.rotate");
      assertThat(done.detail().get("mirror_keyring")).startsWith("copied to ");
    }
    String after;
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(15, 15)); // under data key 2, which only the new keyring holds
      after = a.putBlob("after the rotation".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(masterKeyFiles(mirrorKeys)).isEmpty();
    assertThat(Mirrors.compare(data()).problems()).isEmpty();

    // the master key is escrowed apart from both copies; then the primary is lost entirely
    String current = KeyRing.masterIdOf(data().resolve(ArchiveLayout.KEYS));
    Path escrow = dir.resolve("escrow.key");
    Files.copy(data().resolve(ArchiveLayout.KEYS).resolve("master-" + current + ".key"), escrow);
    SegmentedArchive.deleteTree(data());
    MasterKeySource escrowed = MasterKeySource.standard(data(), java.util.Map.of(MasterKeySource.ENV_KEY_FILE,
        escrow.toString()));

    Mirrors.Restored r = Mirrors.restoreFromMirror(data(), mirrorDir(), escrowed, "os:admin", "host-1");
    assertThat(r.recreated()).isTrue();
    assertThat(r.unresolved()).isEmpty();
    assertThat(masterKeyFiles(data().resolve(ArchiveLayout.KEYS))).isEmpty();
    assertThat(Verifier.verify(data(), VerifyListener.NONE, escrowed).problems()).isEmpty();
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults(), escrowed)) {
      for (long n = 0; n < 30; n++) {
        assertThat(a.get(RecordFixtures.message(n).id())).as("message %d", n).isPresent();
      }
      try (InputStream in = a.openBlob(before)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("before the rotation");
      }
      try (InputStream in = a.openBlob(after)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("after the rotation");
      }
      Audit restore = (Audit) a.get(a.size()).orElseThrow().record();
      assertThat(restore.action()).isEqualTo("restore");
      assertThat(restore.detail()).containsKey("primary");
      a.append(RecordFixtures.messages(30, 2)); // and it is mirrored again
    }
    assertThat(Mirrors.compare(data()).problems()).isEmpty();
  }

  @Test
  void verifyMirrorNamesAStaleKeyringAndAMasterKeyLeftOnTheMirrorAndRestoreBringsTheNewerKeyring() throws IOException {
    Archives.create(data(), ArchiveOptions.defaults()).close();
    Mirrors.add(data(), mirrorDir(), Policy.BOTH, "os:admin", "host-1");
    Path mirrorKeys = mirrorDir().resolve(ArchiveLayout.KEYS);
    byte[] old = Files.readAllBytes(mirrorKeys.resolve(KeyRing.FILE));
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      Archives.rotateKeys(a, null, "os:admin", null);
    }
    Files.write(mirrorKeys.resolve(KeyRing.FILE), old); // as if the copy had failed
    String masterId = KeyRing.masterIdOf(data().resolve(ArchiveLayout.KEYS));
    Files.copy(data().resolve("keys/master-" + masterId + ".key"), mirrorKeys.resolve("master-" + masterId + ".key"));
    assertThat(Mirrors.compare(data()).problems()).extracting(Problem::object).containsExactlyInAnyOrder(
        "keys/keyring", "keys/master-" + masterId + ".key (on the mirror)");
    assertThat(Mirrors.compare(data()).problems().get(0).what()).contains("2 data keys on the primary, 1 on the mirror");

    // the primary's keyring is lost: restore takes the mirror's only if it is newer, so here it copies the other way
    Mirrors.Restored r = Mirrors.restoreFromMirror(data(), "os:admin", null);
    assertThat(r.keyring()).startsWith("copied to the mirror");
    assertThat(r.unresolved()).extracting(Problem::object).containsExactly("keys/master-" + masterId + ".key (on the mirror)");
    Files.delete(mirrorKeys.resolve("master-" + masterId + ".key"));
    Files.delete(data().resolve("keys/keyring"));
    Mirrors.Restored back = Mirrors.restoreFromMirror(data(), "os:admin", null);
    assertThat(back.keyring()).startsWith("copied from the mirror");
    assertThat(back.unresolved()).isEmpty();
    assertThat(Mirrors.compare(data()).problems()).isEmpty();
    assertThat(KeyRing.dataKeyCountOf(data().resolve(ArchiveLayout.KEYS))).isEqualTo(2);
  }

  private static List<Path> masterKeyFiles(Path keys) throws IOException {
    try (Stream<Path> s = Files.list(keys)) {
      return s.filter(p -> p.getFileName().toString().startsWith("master-")).toList();
    }
  }

  @Test
  void readsFallBackToTheMirrorAndRestoreRepairsThePrimary() throws IOException {
    Archives.create(data(), ArchiveOptions.defaults()).close();
    Mirrors.add(data(), mirrorDir(), Policy.BOTH, "os:admin", "host-1");
    String blob;
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults().withMaxCommitRecords(10))) {
      a.append(RecordFixtures.messages(0, 30));
      blob = a.putBlob("raw export".getBytes(StandardCharsets.UTF_8));
    }
    // serial 1 is the mirror-add audit record; the messages are serials 2..31 in segments of 10
    String missing = ArchiveLayout.segmentKey(12);
    String corrupt = ArchiveLayout.segmentKey(22);
    Files.delete(primaryFile(missing));
    Files.delete(primaryFile(FileFixtures.blobKeyIn(data(), blob)));
    byte[] bytes = Files.readAllBytes(primaryFile(corrupt));
    bytes[bytes.length / 2] ^= 0x40;
    Files.delete(primaryFile(corrupt));
    Files.write(primaryFile(corrupt), bytes);
    String onlyOnPrimary = ArchiveLayout.checkpointKey(31);
    Files.delete(mirrorDir().resolve(ArchiveLayout.OBJECTS).resolve(onlyOnPrimary));

    // verify of the primary alone sees the damage; compare names each object and side
    assertThat(Verifier.verify(data(), VerifyListener.NONE).problems()).isNotEmpty();
    Mirrors.Comparison c = Mirrors.compare(data());
    assertThat(c.problems()).extracting(Problem::object, Problem::what).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("objects/" + FileFixtures.blobKeyIn(data(), blob),
            "missing on the primary (on the mirror only; coffer restore --from-mirror copies it back)"),
        org.assertj.core.groups.Tuple.tuple("objects/" + onlyOnPrimary, "missing on the mirror"),
        org.assertj.core.groups.Tuple.tuple("objects/" + missing,
            "missing on the primary (on the mirror only; coffer restore --from-mirror copies it back)"),
        org.assertj.core.groups.Tuple.tuple("objects/" + corrupt, "differs between the primary and the mirror"));

    // reads fall back: the missing segment and blob, and the corrupt segment, are read from the mirror
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      for (long s = 2; s <= 31; s++) {
        assertThat(a.get(s).orElseThrow().record().id()).isEqualTo(RecordFixtures.message(s - 2).id());
      }
      try (InputStream in = a.openBlob(blob)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("raw export");
      }
      MirroredObjectStore m = a.mirror().orElseThrow();
      assertThat(m.readFallbacks()).isGreaterThanOrEqualTo(3);
    }

    Mirrors.Restored r = Mirrors.restoreFromMirror(data(), "os:admin", "host-1");
    assertThat(r.copied()).isEqualTo(2);
    assertThat(r.replaced()).isEqualTo(1);
    assertThat(r.copiedToMirror()).isEqualTo(1);
    assertThat(r.unresolved()).isEmpty();
    assertThat(Mirrors.compare(data()).problems()).isEmpty();
    assertThat(Verifier.verify(data(), VerifyListener.NONE).problems()).isEmpty();
    try (Stream<Path> q = Files.list(data().resolve(ArchiveLayout.QUARANTINE))) {
      assertThat(q).hasSize(1); // the corrupt primary copy, kept as evidence
    }
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      Audit audit = (Audit) a.get(a.size()).orElseThrow().record();
      assertThat(audit.action()).isEqualTo("restore");
      assertThat(audit.targets()).containsExactlyInAnyOrder(missing, FileFixtures.blobKeyIn(data(), blob), corrupt);
      assertThat(a.mirror().orElseThrow().readFallbacks()).isZero();
    }
  }

  @Test
  void primaryPolicyQueuesDurablyShowsLagAndResumesAfterARestart() throws Exception {
    Path queue = dir.resolve("queue");
    FileObjectStore mirrorStore = new FileObjectStore(dir.resolve("m"));
    CountDownLatch release = new CountDownLatch(1);
    ObjectStore slowMirror = new Gate(mirrorStore, release);
    MirroredObjectStore s = new MirroredObjectStore(new FileObjectStore(dir.resolve("p")), slowMirror, Policy.PRIMARY, queue);
    s.put("a/one", new byte[] {1});
    s.put("a/two", new byte[] {2});
    Thread.sleep(30);
    assertThat(s.pendingWrites()).isEqualTo(2);
    assertThat(s.lagMillis()).isPositive();
    assertThat(mirrorStore.exists("a/one")).isFalse();
    release.countDown();
    assertThat(s.awaitMirrored(Duration.ofSeconds(30))).isTrue();
    assertThat(s.pendingWrites()).isZero();
    assertThat(s.lagMillis()).isZero();
    assertThat(s.mirroredWrites()).isEqualTo(2);
    assertThat(mirrorStore.get("a/two")).containsExactly(2);
    s.close();

    // a mirror that fails: the write is acknowledged (primary policy), stays queued on disk, and a
    // restart with a working mirror delivers it
    MirroredObjectStore failing = new MirroredObjectStore(new FileObjectStore(dir.resolve("p")),
        new FaultInjectingObjectStore(new FileObjectStore(dir.resolve("m")), 1, FaultInjectingObjectStore.Mode.FAIL_BEFORE),
        Policy.PRIMARY, queue);
    failing.put("b/three", new byte[] {3});
    Thread.sleep(300);
    assertThat(failing.pendingWrites()).isEqualTo(1);
    assertThat(failing.mirrorWriteFailures()).isPositive();
    failing.close();
    try (Stream<Path> entries = Files.list(queue)) {
      assertThat(entries).hasSize(1);
    }
    MirroredObjectStore resumed = new MirroredObjectStore(new FileObjectStore(dir.resolve("p")),
        new FileObjectStore(dir.resolve("m")), Policy.PRIMARY, queue);
    assertThat(resumed.awaitMirrored(Duration.ofSeconds(30))).isTrue();
    assertThat(new FileObjectStore(dir.resolve("m")).get("b/three")).containsExactly(3);
    resumed.close();
  }

  @Test
  void bothPolicyFailsTheWriteWhenTheMirrorFailsAndTheArchiveSurfacesIt() throws Exception {
    Archives.create(data(), ArchiveOptions.defaults()).close();
    Mirrors.add(data(), mirrorDir(), Policy.BOTH, "os:admin", "host-1");
    // make the mirror unwritable while the archive runs: its objects directory replaced by a file
    Path objects = mirrorDir().resolve(ArchiveLayout.OBJECTS);
    Path away = mirrorDir().resolve("objects-away");
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      Files.move(objects, away);
      Files.writeString(objects, "not a directory");
      assertThatThrownBy(() -> a.append(RecordFixtures.messages(0, 3)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("append not acknowledged")
          .hasMessageContaining("not acknowledged under the 'both' policy");
    } catch (IOException e) {
      // closing a stopped archive may fail too
    }
    Files.delete(objects);
    Files.move(away, objects);
    Mirrors.Comparison before = Mirrors.compare(data());
    assertThat(before.pending()).isPositive(); // the failed mirror writes are still queued
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(a.mirror().orElseThrow().awaitMirrored(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(Mirrors.compare(data()).problems()).isEmpty();
  }

  @Test
  void anUnavailableMirrorStopsTheOpenInsteadOfWritingSomewhereElse() throws IOException {
    Archives.create(data(), ArchiveOptions.defaults()).close();
    Mirrors.add(data(), mirrorDir(), Policy.PRIMARY, "os:admin", "host-1");
    Path moved = dir.resolve("unmounted");
    Files.move(mirrorDir(), moved); // as if its disk were not mounted
    assertThatThrownBy(() -> Archives.open(data(), ArchiveOptions.defaults()))
        .hasMessageContaining("mirror at " + mirrorDir() + " is not available");
    assertThat(Files.exists(mirrorDir())).isFalse();
    Files.move(moved, mirrorDir());
    try (Archive a = Archives.open(data(), ArchiveOptions.defaults())) {
      assertThat(a.mirror()).isPresent();
    }
  }

  @Test
  void aMirrorInsideTheDataDirectoryIsRefused() throws IOException {
    Archives.create(data(), ArchiveOptions.defaults()).close();
    assertThatThrownBy(() -> Mirrors.add(data(), data().resolve("copy"), Policy.BOTH, "os:admin", "h"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be outside the data directory");
  }

  /** A store whose puts wait for a latch: a slow mirror. */
  static final class Gate implements ObjectStore {
    private final ObjectStore delegate;
    private final CountDownLatch open;

    Gate(ObjectStore delegate, CountDownLatch open) {
      this.delegate = delegate;
      this.open = open;
    }

    private void await() throws IOException {
      try {
        open.await();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      await();
      delegate.put(key, bytes);
    }

    @Override
    public void put(String key, InputStream in) throws IOException {
      await();
      delegate.put(key, in);
    }

    @Override
    public byte[] get(String key) throws IOException {
      return delegate.get(key);
    }

    @Override
    public InputStream open(String key) throws IOException {
      return delegate.open(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
      return delegate.exists(key);
    }

    @Override
    public long size(String key) throws IOException {
      return delegate.size(key);
    }

    @Override
    public Stream<String> list(String prefix, String fromKey) throws IOException {
      return delegate.list(prefix, fromKey);
    }

    @Override
    public void delete(String key) throws IOException {
      delegate.delete(key);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
