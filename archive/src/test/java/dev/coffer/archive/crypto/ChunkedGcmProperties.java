package dev.coffer.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.CorruptObjectException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Round trips and tamper detection of the chunked AES-GCM stream, over lengths and split points. */
class ChunkedGcmProperties {
  private static final byte[] KEY = new byte[32];
  private static final byte[] CONTEXT = "coffer/object/1 test k".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private static byte[] plain(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] open(byte[] sealed, byte[] context) throws IOException {
    InputStream in = new ByteArrayInputStream(sealed);
    byte[] header = ChunkedGcm.readHeader("k", in);
    try (InputStream p = new ChunkedGcm.Opening("k", in, header, KEY, context)) {
      return p.readAllBytes();
    }
  }

  @Property(tries = 60)
  void inMemoryPullAndPushSealingAllOpenToThePlaintext(@ForAll @IntRange(min = 0, max = 300_000) int n,
      @ForAll @LongRange(min = 0, max = 1000) long seed, @ForAll @IntRange(min = 1, max = 70_000) int writeSize)
      throws IOException {
    byte[] p = plain(n, seed);
    byte[] a = ChunkedGcm.seal(p, 1, KEY, CONTEXT);
    byte[] b = new ChunkedGcm.Sealing(new ByteArrayInputStream(p), 1, KEY, CONTEXT).readAllBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChunkedGcm.SealingOutput s = new ChunkedGcm.SealingOutput(out, 1, KEY, CONTEXT)) {
      for (int i = 0; i < n; i += writeSize) {
        s.write(p, i, Math.min(writeSize, n - i));
      }
    }
    for (byte[] sealed : new byte[][] {a, b, out.toByteArray()}) {
      assertThat(sealed.length).isEqualTo(ChunkedGcm.cipherLength(n));
      assertThat(ChunkedGcm.plainLength(sealed.length)).isEqualTo(n);
      assertThat(open(sealed, CONTEXT)).isEqualTo(p);
    }
  }

  @Property(tries = 60)
  void anyFlippedBitOrCutOrOtherContextFails(@ForAll @IntRange(min = 0, max = 200_000) int n,
      @ForAll @LongRange(min = 0, max = 1000) long seed, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    byte[] sealed = ChunkedGcm.seal(plain(n, seed), 1, KEY, CONTEXT);
    byte[] flipped = sealed.clone();
    flipped[where % sealed.length] ^= (byte) (1 << bit);
    assertThatThrownBy(() -> open(flipped, CONTEXT)).isInstanceOf(CorruptObjectException.class);
    int cut = where % sealed.length;
    assertThatThrownBy(() -> open(java.util.Arrays.copyOf(sealed, cut), CONTEXT)).isInstanceOf(CorruptObjectException.class);
    assertThatThrownBy(() -> open(sealed, "coffer/object/1 test other".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptObjectException.class);
  }
}
