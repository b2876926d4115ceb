package dev.coffer.archive.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class BlobPackTest {
  static final byte[] SMALL = "{\"object\":\"whatsapp_business_account\"}".getBytes(StandardCharsets.UTF_8);
  static final byte[] REPETITIVE = "order confirmed at the agreed price; ".repeat(200).getBytes(StandardCharsets.UTF_8);

  @Test
  void packsRoundTripEveryBlobInOrder() throws Exception {
    byte[] pack = BlobPack.encode(List.of(BlobPack.Entry.of(SMALL), BlobPack.Entry.of(REPETITIVE), BlobPack.Entry.of(new byte[0])));
    List<BlobPack.Entry> entries = BlobPack.decode("packs/p", pack);
    assertThat(entries).extracting(BlobPack.Entry::sha256)
        .containsExactly(Digests.sha256Hex(SMALL), Digests.sha256Hex(REPETITIVE), Digests.sha256Hex(new byte[0]));
    assertThat(BlobPack.plaintext("packs/p", entries.get(0))).isEqualTo(SMALL);
    assertThat(BlobPack.plaintext("packs/p", entries.get(1))).isEqualTo(REPETITIVE);
    assertThat(BlobPack.plaintext("packs/p", entries.get(2))).isEmpty();
    // the repetitive body is compressed inside the pack
    assertThat(entries.get(1).encoded().length).isLessThan(REPETITIVE.length / 4);
    assertThat(BlobPack.decode("packs/e", BlobPack.encode(List.of()))).isEmpty();
  }

  @Test
  void anyFlippedByteIsFoundByTheCrc() {
    byte[] pack = BlobPack.encode(List.of(BlobPack.Entry.of(SMALL), BlobPack.Entry.of(REPETITIVE)));
    for (int i = 0; i < pack.length; i++) {
      byte[] damaged = pack.clone();
      damaged[i] ^= 0x10;
      assertThatThrownBy(() -> BlobPack.decode("packs/d", damaged)).as("byte %d", i)
          .isInstanceOf(CorruptObjectException.class);
    }
    byte[] truncated = java.util.Arrays.copyOf(pack, pack.length - 7);
    assertThatThrownBy(() -> BlobPack.decode("packs/t", truncated)).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsRefusedEvenUnderAValidCrc() throws Exception {
    BlobPack.Entry wrong = new BlobPack.Entry(Digests.sha256Hex(SMALL), BlobFormat.encode(REPETITIVE));
    byte[] pack = BlobPack.encode(List.of(wrong));
    List<BlobPack.Entry> entries = BlobPack.decode("packs/w", pack);
    assertThatThrownBy(() -> BlobPack.plaintext("packs/w", entries.get(0))).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void aCountLargerThanThePackIsRefused() {
    byte[] pack = BlobPack.encode(List.of(BlobPack.Entry.of(SMALL)));
    ByteBuffer.wrap(pack).putInt(5, 1_000_000);
    CRC32C crc = new CRC32C();
    crc.update(pack, 0, pack.length - 4);
    ByteBuffer.wrap(pack).putInt(pack.length - 4, (int) crc.getValue());
    assertThatThrownBy(() -> BlobPack.decode("packs/c", pack)).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("count");
  }
}
