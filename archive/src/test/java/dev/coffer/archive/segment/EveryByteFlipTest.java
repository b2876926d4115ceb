package dev.coffer.archive.segment;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.blob.BlobFormat;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.CheckpointFormat;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every byte of a small object of each format, flipped with several masks, must be caught by the
 * decoder with {@link CorruptObjectException}. Regression: a flipped zstd window-descriptor byte in a
 * blob changes no plaintext, and was missed until blobs got a payload CRC.
 */
class EveryByteFlipTest {
  private static final int[] MASKS = {0x01, 0x10, 0x80, 0xff, 0x5a};

  @Test
  void everyByteOfABlobMatters() {
    for (byte[] plain : new byte[][] {
        new byte[0], "tiny".getBytes(StandardCharsets.UTF_8), filled(64, 'a'), filled(3000, 'q'), random(300)}) {
      byte[] stored = BlobFormat.encode(plain);
      String sha = Digests.sha256Hex(plain);
      for (int pos = 0; pos < stored.length; pos++) {
        for (int mask : MASKS) {
          byte[] bad = stored.clone();
          bad[pos] ^= (byte) mask;
          try {
            BlobFormat.decode("k", sha, bad);
            throw new AssertionError("blob of " + plain.length + " bytes: flip " + mask + " at byte " + pos + " not found");
          } catch (java.io.IOException e) {
            org.assertj.core.api.Assertions.assertThat(e).isInstanceOf(CorruptObjectException.class);
          }
        }
      }
    }
  }

  @Test
  void everyByteOfASegmentMatters() {
    byte[] stored = SegmentFormat.encode(FormatFuzzProperties.segment(7, 3));
    for (int pos = 0; pos < stored.length; pos++) {
      for (int mask : MASKS) {
        byte[] bad = stored.clone();
        bad[pos] ^= (byte) mask;
        assertThatThrownBy(() -> SegmentFormat.decode("k", bad, true)).isInstanceOf(CorruptObjectException.class);
      }
    }
  }

  @Test
  void everyByteOfACheckpointMatters() throws Exception {
    SigningKeys keys = SigningKeys.generate();
    MerkleFrontier f = new MerkleFrontier();
    for (int i = 0; i < 5; i++) {
      f.appendLeafData(Digests.sha256(new byte[] {(byte) i}));
    }
    byte[] stored = CheckpointFormat.encode(
        Checkpoint.sign("0123456789abcdef0123456789abcdef", 5, f.root(), 1_790_000_000_000L, keys), f);
    for (int pos = 0; pos < stored.length; pos++) {
      for (int mask : MASKS) {
        byte[] bad = stored.clone();
        bad[pos] ^= (byte) mask;
        assertThatThrownBy(() -> CheckpointFormat.decode("k", bad)).isInstanceOf(CorruptObjectException.class);
      }
    }
  }

  private static byte[] filled(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new java.util.Random(11).nextBytes(b);
    return b;
  }
}
