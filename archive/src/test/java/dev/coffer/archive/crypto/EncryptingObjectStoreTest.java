package dev.coffer.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.archive.store.MemoryObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.store.ObjectStoreContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ObjectStore contract on plaintext, and what sealing adds: every kind of tampering is refused. */
class EncryptingObjectStoreTest extends ObjectStoreContract {
  private static final String ARCHIVE = "0123456789abcdef0123456789abcdef";
  private MemoryObjectStore below;
  private KeyRing ring;

  @Override
  protected ObjectStore createStore(Path dir) {
    below = new MemoryObjectStore();
    ring = KeyRing.inMemory(ARCHIVE, "test", 0);
    return Encryption.of(ring).wrap(below);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void theStoreBelowHoldsOnlyCiphertext() throws IOException {
    byte[] plain = utf8("内幕交易 guaranteed no risk +15551234567 😀 ".repeat(50));
    store.put("a/b", plain);
    store.put("a/c", new ByteArrayInputStream(plain));
    for (String key : new String[] {"a/b", "a/c"}) {
      byte[] stored = below.get(key);
      assertThat(stored.length).isEqualTo(ChunkedGcm.cipherLength(plain.length));
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("guaranteed").doesNotContain("5551234567");
      assertThat(indexOf(stored, utf8("内幕交易"))).isNegative();
    }
    // two puts of the same bytes differ (a fresh salt per object)
    assertThat(below.get("a/b")).isNotEqualTo(below.get("a/c"));
  }

  @Test
  void lengthsAroundChunkBoundariesRoundTripInMemoryAndStreaming() throws IOException {
    int c = ChunkedGcm.CHUNK;
    int[] sizes = {0, 1, 15, 16, 17, c - 1, c, c + 1, 2 * c - 1, 2 * c, 2 * c + 1, 3 * c + 12345};
    for (int n : sizes) {
      byte[] plain = random(n, n);
      store.put("m/" + n, plain);
      store.put("s/" + n, new ByteArrayInputStream(plain));
      for (String key : new String[] {"m/" + n, "s/" + n}) {
        assertThat(store.get(key)).as(key).isEqualTo(plain);
        assertThat(store.size(key)).as(key).isEqualTo(n);
        assertThat(below.get(key).length).as(key).isEqualTo(ChunkedGcm.cipherLength(n));
        assertThat(ChunkedGcm.plainLength(ChunkedGcm.cipherLength(n))).isEqualTo(n);
        try (InputStream in = store.open(key)) {
          assertThat(in.readAllBytes()).as(key).isEqualTo(plain);
        }
      }
    }
  }

  @Test
  void swappedObjectsAreRefusedNamingTheKey() throws IOException {
    store.put("segments/1", utf8("first"));
    store.put("segments/2", utf8("second"));
    byte[] one = below.get("segments/1");
    byte[] two = below.get("segments/2");
    MemoryObjectStore swapped = new MemoryObjectStore();
    swapped.put("segments/1", two);
    swapped.put("segments/2", one);
    ObjectStore reading = Encryption.of(ring).wrap(swapped);
    assertThatThrownBy(() -> reading.get("segments/1")).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("segments/1").hasMessageContaining("moved from another object");
  }

  @Test
  void anotherArchivesKeysOrIdDoNotOpenAnObject() throws IOException {
    store.put("k", utf8("secret"));
    ObjectStore otherKeys = Encryption.of(KeyRing.inMemory(ARCHIVE, "test", 0)).wrap(below);
    assertThatThrownBy(() -> otherKeys.get("k")).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void everyFlippedByteIsFound() throws IOException {
    byte[] plain = random(2 * ChunkedGcm.CHUNK + 100, 5);
    store.put("x", plain);
    byte[] sealed = below.get("x");
    Random r = new Random(9);
    for (int i = 0; i < 200; i++) {
      int pos = i < 40 ? i : r.nextInt(sealed.length);
      byte[] bad = sealed.clone();
      bad[pos] ^= (byte) (1 << r.nextInt(8));
      MemoryObjectStore m = new MemoryObjectStore();
      m.put("x", bad);
      ObjectStore s = Encryption.of(ring).wrap(m);
      assertThatThrownBy(() -> s.get("x")).as("byte %d", pos).isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining("x");
    }
  }

  @Test
  void truncationAtAChunkBoundaryAndReorderedChunksAreFound() throws IOException {
    byte[] plain = random(3 * ChunkedGcm.CHUNK, 11);
    store.put("t", plain);
    byte[] sealed = below.get("t");
    int chunk = ChunkedGcm.CHUNK + ChunkedGcm.TAG;
    int h = ChunkedGcm.HEADER;
    byte[] cut = Arrays.copyOf(sealed, h + 2 * chunk); // drops the whole last chunk
    byte[] reordered = sealed.clone();
    System.arraycopy(sealed, h + chunk, reordered, h, chunk);
    System.arraycopy(sealed, h, reordered, h + chunk, chunk);
    byte[] extended = Arrays.copyOf(sealed, sealed.length + chunk); // a chunk of zeros appended
    for (byte[] bad : new byte[][] {cut, reordered, extended, Arrays.copyOf(sealed, h), Arrays.copyOf(sealed, 3)}) {
      MemoryObjectStore m = new MemoryObjectStore();
      m.put("t", bad);
      ObjectStore s = Encryption.of(ring).wrap(m);
      assertThatThrownBy(() -> {
        try (InputStream in = s.open("t")) {
          in.readAllBytes();
        }
      }).isInstanceOf(CorruptObjectException.class).hasMessageContaining("t");
    }
  }

  @Test
  void streamingPutHoldsOneChunkNotTheObject() throws IOException {
    // 64 MiB streamed through a 1 GiB heap would pass either way; what is checked is that the
    // stream is consumed incrementally: the store below sees ciphertext before the source ends.
    long total = 8L * ChunkedGcm.CHUNK + 3;
    InputStream source = new InputStream() {
      long left = total;

      @Override
      public int read() {
        return left-- > 0 ? 7 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 7);
        left -= n;
        return n;
      }
    };
    ChunkedGcm.Sealing sealing = new ChunkedGcm.Sealing(source, 1, ring.dataKey(1), new byte[0]);
    byte[] first = sealing.readNBytes(ChunkedGcm.HEADER + ChunkedGcm.CHUNK + ChunkedGcm.TAG);
    assertThat(first).hasSize(ChunkedGcm.HEADER + ChunkedGcm.CHUNK + ChunkedGcm.TAG);
    assertThat(total - ChunkedGcm.CHUNK).isGreaterThan(0);
    assertThat(sealing.transferTo(java.io.OutputStream.nullOutputStream()) + first.length)
        .isEqualTo(ChunkedGcm.cipherLength(total));
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
}
