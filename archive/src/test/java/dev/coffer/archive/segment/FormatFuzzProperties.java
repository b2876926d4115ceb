package dev.coffer.archive.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Round trips for the object formats, and fuzzing: damaged bytes (truncated, extended, flipped,
 * random) either decode to exactly what was written or throw the one documented
 * {@link CorruptObjectException}; nothing else escapes.
 */
class FormatFuzzProperties {
  private static final SigningKeys KEYS = SigningKeys.generate();

  static Segment segment(long seed, int count) {
    Random r = new Random(seed);
    List<SegmentEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] json = ("{\"id\":\"id-" + i + "\",\"text\":\"" + "x".repeat(r.nextInt(200)) + r.nextInt() + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      entries.add(new SegmentEntry("id-" + i, Digests.sha256(json), json));
    }
    return new Segment(1 + r.nextInt(1000), r.nextLong(), entries);
  }

  @Property(tries = 100)
  void segmentsRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int count) throws Exception {
    Segment s = segment(seed, count);
    Segment back = SegmentFormat.decode("k", SegmentFormat.encode(s), true);
    assertThat(back.firstSerial()).isEqualTo(s.firstSerial());
    assertThat(back.archivedAt()).isEqualTo(s.archivedAt());
    for (int i = 0; i < count; i++) {
      assertThat(back.entries().get(i).id()).isEqualTo(s.entries().get(i).id());
      assertThat(back.entries().get(i).canonical()).isEqualTo(s.entries().get(i).canonical());
      assertThat(back.entries().get(i).digest()).isEqualTo(s.entries().get(i).digest());
    }
  }

  /** The full form (versions 1 and 2, what archives before version 3 hold) round-trips and reads as the compact one. */
  @Property(tries = 100)
  void fullSegmentsRoundTripToTheSameEntries(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int count) throws Exception {
    Segment s = segment(seed, count);
    Segment full = SegmentFormat.decode("k", SegmentFormat.encodeFull(s), true);
    Segment compact = SegmentFormat.decode("k", SegmentFormat.encode(s), true);
    for (int i = 0; i < count; i++) {
      assertThat(full.entries().get(i).id()).isEqualTo(compact.entries().get(i).id()).isEqualTo(s.entries().get(i).id());
      assertThat(full.entries().get(i).canonical()).isEqualTo(compact.entries().get(i).canonical());
      assertThat(full.entries().get(i).digest()).isEqualTo(compact.entries().get(i).digest());
    }
  }

  @Property(tries = 300)
  void damagedFullSegmentsThrowOnlyCorruptObject(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int count) {
    byte[] good = SegmentFormat.encodeFull(segment(seed, count));
    byte[] bad = damage(good, new Random(seed ^ 0x5DEECE66DL));
    assertThatThrownBy(() -> SegmentFormat.decode("k", bad, true)).isInstanceOf(CorruptObjectException.class);
  }

  @Property(tries = 300)
  void damagedSegmentsThrowOnlyCorruptObject(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int count) {
    byte[] good = SegmentFormat.encode(segment(seed, count));
    byte[] bad = damage(good, new Random(seed ^ 0x5DEECE66DL));
    assertThatThrownBy(() -> SegmentFormat.decode("k", bad, true)).isInstanceOf(CorruptObjectException.class);
  }

  @Property(tries = 200)
  void checkpointsRoundTripAndDamageIsCaught(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int size)
      throws Exception {
    MerkleFrontier f = new MerkleFrontier();
    Random r = new Random(seed);
    for (int i = 0; i < size; i++) {
      byte[] d = new byte[32];
      r.nextBytes(d);
      f.appendLeafData(d);
    }
    Checkpoint c = Checkpoint.sign("0123456789abcdef0123456789abcdef", size, f.root(), r.nextLong() & Long.MAX_VALUE, KEYS);
    byte[] bytes = CheckpointFormat.encode(c, f);
    CheckpointFormat.Stored back = CheckpointFormat.decode("k", bytes);
    assertThat(back.checkpoint()).isEqualTo(c);
    assertThat(back.frontier().sameAs(f)).isTrue();
    assertThat(back.checkpoint().verifySignature(KEYS.publicKey())).isTrue();
    byte[] bad = damage(bytes, r);
    assertThatThrownBy(() -> CheckpointFormat.decode("k", bad)).isInstanceOf(CorruptObjectException.class);
  }

  @Property(tries = 200)
  void blobsRoundTripAndDamageIsCaught(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5000) int length,
      @ForAll boolean compressible) throws Exception {
    Random r = new Random(seed);
    byte[] plain = new byte[length];
    if (compressible) {
      Arrays.fill(plain, (byte) 'a');
    } else {
      r.nextBytes(plain);
    }
    String sha = Digests.sha256Hex(plain);
    byte[] stored = BlobFormat.encode(plain);
    assertThat(BlobFormat.decode("k", sha, stored)).isEqualTo(plain);
    byte[] bad = damage(stored, r);
    assertThatThrownBy(() -> BlobFormat.decode("k", sha, bad)).isInstanceOf(CorruptObjectException.class);
  }

  /** One of: truncate, extend, flip one byte, overwrite a run with random bytes. Always changes the bytes. */
  static byte[] damage(byte[] good, Random r) {
    switch (r.nextInt(4)) {
      case 0 -> {
        return Arrays.copyOf(good, r.nextInt(good.length));
      }
      case 1 -> {
        byte[] longer = Arrays.copyOf(good, good.length + 1 + r.nextInt(8));
        longer[good.length] = (byte) (1 + r.nextInt(255));
        return longer;
      }
      case 2 -> {
        byte[] b = good.clone();
        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        return b;
      }
      default -> {
        byte[] b = good.clone();
        int from = r.nextInt(b.length);
        int to = Math.min(b.length, from + 1 + r.nextInt(16));
        byte[] noise = new byte[to - from];
        do {
          r.nextBytes(noise);
        } while (Arrays.equals(noise, Arrays.copyOfRange(good, from, to)));
        System.arraycopy(noise, 0, b, from, noise.length);
        return b;
      }
    }
  }
}
