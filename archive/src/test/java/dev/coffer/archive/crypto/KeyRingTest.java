package dev.coffer.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.MemoryObjectStore;
import dev.coffer.archive.store.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
  private static final String ARCHIVE = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;

  @Test
  void aNewArchiveGetsAKeyFileWithMode0600AndAKeyring() throws IOException {
    Path keys = dir.resolve("keys");
    Encryption e = Encryption.create(keys, ARCHIVE, MasterKeySource.standard(dir, Map.of()), 1000);
    String master = e.keyRing().masterId();
    Path file = keys.resolve("master-" + master + ".key");
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(KeyRing.FILE)))).isEqualTo("rw-------");
    assertThat(MasterKeyFile.read(file).id()).isEqualTo(master);
    // the keyring holds no key in the clear
    String ring = Files.readString(keys.resolve(KeyRing.FILE));
    assertThat(ring).startsWith("coffer-keyring/1\n").contains("master=" + master);

    Encryption reopened = Encryption.open(keys, ARCHIVE, Encryption.SCHEME, MasterKeySource.standard(dir, Map.of()));
    ObjectStore below = new MemoryObjectStore();
    e.wrap(below).put("k", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(reopened.wrap(below).get("k")).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    assertThat(reopened.blobNames().nameOf("ab".repeat(32))).isEqualTo(e.blobNames().nameOf("ab".repeat(32)))
        .isNotEqualTo("ab".repeat(32));
  }

  @Test
  void aSuppliedKeyIsUsedAndNoKeyFileIsWritten() throws IOException {
    String b64 = Base64.getEncoder().encodeToString(new byte[32]);
    Map<String, String> env = Map.of(MasterKeySource.ENV_KEY, b64);
    Path keys = dir.resolve("keys");
    Encryption e = Encryption.create(keys, ARCHIVE, MasterKeySource.standard(dir, env), 1);
    try (var s = Files.list(keys)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(KeyRing.FILE);
    }
    assertThat(e.keyRing().masterId()).isEqualTo(MasterKeyFile.fromBase64(b64, "x").id());
    assertThat(Encryption.open(keys, ARCHIVE, Encryption.SCHEME, MasterKeySource.standard(dir, env)).enabled()).isTrue();
  }

  @Test
  void aMissingOrWrongKeyIsRefusedNamingTheKeyAndWhereItWasExpected() throws IOException {
    Path keys = dir.resolve("keys");
    Encryption e = Encryption.create(keys, ARCHIVE, MasterKeySource.standard(dir, Map.of()), 1);
    String master = e.keyRing().masterId();
    Path file = keys.resolve("master-" + master + ".key");
    Path moved = dir.resolve("backup.key");
    Files.move(file, moved);
    assertThatThrownBy(() -> Encryption.open(keys, ARCHIVE, Encryption.SCHEME, MasterKeySource.standard(dir, Map.of())))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining(master)
        .hasMessageContaining("COFFER_MASTER_KEY").hasMessageContaining(keys.toString());
    String wrong = Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> Encryption.open(keys, ARCHIVE, Encryption.SCHEME,
        MasterKeySource.standard(dir, Map.of(MasterKeySource.ENV_KEY, wrong))))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining(master).hasMessageContaining("Found only");
    // the key file named by the environment opens it
    assertThat(Encryption.open(keys, ARCHIVE, Encryption.SCHEME,
        MasterKeySource.standard(dir, Map.of(MasterKeySource.ENV_KEY_FILE, moved.toString()))).enabled()).isTrue();
  }

  @Test
  void rotationRewrapsUnderTheNewKeyAddsADataKeyAndOldObjectsStillRead() throws IOException {
    Path keys = dir.resolve("keys");
    Encryption e = Encryption.create(keys, ARCHIVE, MasterKeySource.standard(dir, Map.of()), 1);
    ObjectStore below = new MemoryObjectStore();
    e.wrap(below).put("old", "before".getBytes(StandardCharsets.UTF_8));
    String oldMaster = e.keyRing().masterId();
    MasterKeyFile fresh = MasterKeyFile.generate(2);
    Path outside = dir.resolve("new.key");
    fresh.writeTo(outside);
    KeyRing rotated = e.keyRing().rotate(keys, fresh, 2);
    assertThat(rotated.currentId()).isEqualTo(2);
    assertThat(rotated.masterId()).isEqualTo(fresh.id());

    // only the new key now opens the keyring; the old key alone is refused, naming the new one
    Files.delete(keys.resolve("master-" + oldMaster + ".key"));
    Encryption reopened = Encryption.open(keys, ARCHIVE, Encryption.SCHEME,
        MasterKeySource.standard(dir, Map.of(MasterKeySource.ENV_KEY_FILE, outside.toString())));
    assertThat(reopened.wrap(below).get("old")).asString(StandardCharsets.UTF_8).isEqualTo("before");
    reopened.wrap(below).put("new", "after".getBytes(StandardCharsets.UTF_8));
    assertThat(ChunkedGcm.dataKeyId(below.get("new"))).isEqualTo(2);
    assertThat(ChunkedGcm.dataKeyId(below.get("old"))).isEqualTo(1);
    assertThat(reopened.blobNames().nameOf("cd".repeat(32))).isEqualTo(e.blobNames().nameOf("cd".repeat(32)));
    assertThatThrownBy(() -> Encryption.open(keys, ARCHIVE, Encryption.SCHEME, MasterKeySource.standard(dir, Map.of())))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining(fresh.id());
  }

  @Test
  void aDamagedKeyringOrKeyFileIsNamed() throws IOException {
    Path keys = dir.resolve("keys");
    Encryption e = Encryption.create(keys, ARCHIVE, MasterKeySource.standard(dir, Map.of()), 1);
    Path ring = keys.resolve(KeyRing.FILE);
    byte[] b = Files.readAllBytes(ring);
    b[b.length / 2] ^= 1;
    Files.write(ring, b);
    assertThatThrownBy(() -> Encryption.open(keys, ARCHIVE, Encryption.SCHEME, MasterKeySource.standard(dir, Map.of())))
        .isInstanceOf(CorruptObjectException.class).hasMessageContaining("keyring");
    Path key = keys.resolve("master-" + e.keyRing().masterId() + ".key");
    byte[] k = Files.readAllBytes(key);
    k[k.length - 20] ^= 1;
    Files.write(key, k);
    assertThatThrownBy(() -> MasterKeyFile.read(key)).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(key.getFileName().toString());
  }

  @Test
  void keysAreNeverPrinted() {
    MasterKeyFile k = MasterKeyFile.generate(1);
    String b64 = new String(k.render(), StandardCharsets.US_ASCII).split("\n")[3].substring("aes-256=".length());
    assertThat(k.toString()).doesNotContain(b64).contains(k.id());
  }
}
