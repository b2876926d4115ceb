package dev.coffer.archive.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.CorruptObjectException;
import dev.coffer.model.Digests;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Version 3 (compact) segments and the versions before it: the grammar of docs/archive-format.md
 * written out by hand here, byte by byte, for each version, so that what old archives hold keeps
 * reading exactly, and what is written now is what the documentation says.
 */
class CompactSegmentTest {
  private static final byte[] A = "{\"id\":\"a1\",\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] B = "{\"id\":\"b2\",\"n\":[1,{\"id\":\"nested\"}]}".getBytes(StandardCharsets.UTF_8);

  private static Segment twoRecords() {
    return new Segment(7, 1_700_000_000_000L,
        List.of(new SegmentEntry("a1", Digests.sha256(A), A), new SegmentEntry("b2", Digests.sha256(B), B)));
  }

  /** A segment by the grammar: header, optional digest block, raw body (codec 0), CRC-32C. */
  private static byte[] byHand(int version, long first, long archivedAt, byte[][] digests, byte[] raw, int count) {
    int digestBytes = digests == null ? 0 : 32 * digests.length;
    ByteBuffer b = ByteBuffer.allocate(34 + digestBytes + raw.length + 4);
    b.put("CFSG".getBytes(StandardCharsets.US_ASCII)).put((byte) version).put((byte) 0).putLong(first).putInt(count)
        .putLong(archivedAt).putInt(raw.length).putInt(raw.length);
    if (digests != null) {
      for (byte[] d : digests) {
        b.put(d);
      }
    }
    b.put(raw);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] version1Raw() {
    ByteBuffer raw = ByteBuffer.allocate(2 + 2 + 4 + A.length + 2 + 2 + 4 + B.length);
    raw.putShort((short) 2).put("a1".getBytes(StandardCharsets.UTF_8)).putInt(A.length).put(A);
    raw.putShort((short) 2).put("b2".getBytes(StandardCharsets.UTF_8)).putInt(B.length).put(B);
    return raw.array();
  }

  @Test
  void aVersion1SegmentAsOldArchivesHoldItStillDecodesAndIsWhatEncodeFullWrites() throws Exception {
    byte[] v1 = byHand(1, 7, 1_700_000_000_000L, new byte[][] {Digests.sha256(A), Digests.sha256(B)}, version1Raw(), 2);
    Segment s = SegmentFormat.decode("k", v1, true);
    assertSame(s, twoRecords());
    assertThat(SegmentFormat.encodeFull(twoRecords())).isEqualTo(v1); // small: zstd does not shrink it, so codec 0
    assertThat(SegmentFormat.readDigests("k", new ByteArrayInputStream(v1)).digests()).isDeepEqualTo(new byte[][] {Digests.sha256(A), Digests.sha256(B)});
  }

  @Test
  void encodeWritesVersion3WithoutDigestsOrIds() throws Exception {
    ByteBuffer raw = ByteBuffer.allocate(4 + A.length + 4 + B.length);
    raw.putInt(A.length).put(A).putInt(B.length).put(B);
    byte[] v3 = byHand(3, 7, 1_700_000_000_000L, null, raw.array(), 2);
    assertThat(SegmentFormat.encode(twoRecords())).isEqualTo(v3);
    Segment s = SegmentFormat.decode("k", v3, true);
    assertSame(s, twoRecords()); // ids read back from the JSON (not the nested one), digests recomputed
    assertThat(SegmentFormat.readDigests("k", new ByteArrayInputStream(v3)).digests()).isDeepEqualTo(new byte[][] {Digests.sha256(A), Digests.sha256(B)});
    assertThat(v3.length).isEqualTo(SegmentFormat.encodeFull(twoRecords()).length - 2 * 32 - 2 * (2 + 2));
  }

  @Test
  void aCompactTombstoneKeepsItsIdAndDigest() throws Exception {
    byte[] gone = Digests.sha256(B);
    Segment s = new Segment(7, 5L, List.of(new SegmentEntry("a1", Digests.sha256(A), A), SegmentEntry.tombstone("b2", gone)));
    ByteBuffer raw = ByteBuffer.allocate(4 + A.length + 4 + 2 + 2 + 32);
    raw.putInt(A.length).put(A).putInt(0).putShort((short) 2).put("b2".getBytes(StandardCharsets.UTF_8)).put(gone);
    byte[] v3 = byHand(3, 7, 5L, null, raw.array(), 2);
    assertThat(SegmentFormat.encode(s)).isEqualTo(v3);
    Segment back = SegmentFormat.decode("k", v3, true);
    assertThat(back.entries().get(1).disposed()).isTrue();
    assertThat(back.entries().get(1).id()).isEqualTo("b2");
    assertThat(back.entries().get(1).digest()).isEqualTo(gone);
    assertThat(SegmentFormat.readDigests("k", new ByteArrayInputStream(v3)).digests()).isDeepEqualTo(new byte[][] {Digests.sha256(A), gone});
  }

  @Test
  void aRecordWhoseBytesDoNotGiveBackItsIdOrDigestIsStoredInFull() throws Exception {
    Segment otherId = new Segment(1, 0, List.of(new SegmentEntry("not-a1", Digests.sha256(A), A)));
    Segment otherDigest = new Segment(1, 0, List.of(new SegmentEntry("a1", Digests.sha256(B), A)));
    for (Segment s : List.of(otherId, otherDigest)) {
      byte[] bytes = SegmentFormat.encode(s);
      assertThat(bytes[4]).isEqualTo(SegmentFormat.VERSION);
      Segment back = SegmentFormat.decode("k", bytes, false);
      assertThat(back.entries().get(0).id()).isEqualTo(s.entries().get(0).id());
      assertThat(back.entries().get(0).digest()).isEqualTo(s.entries().get(0).digest());
    }
  }

  @Test
  void encodingWithDigestsVouchedForWritesTheSameBytesAndStillComparesIds() throws Exception {
    assertThat(SegmentFormat.encode(twoRecords(), true)).isEqualTo(SegmentFormat.encode(twoRecords()));
    byte[] chinese = "{\"id\":\"中文-1\",\"text\":\"你好\"}".getBytes(StandardCharsets.UTF_8);
    Segment nonAscii = new Segment(1, 0, List.of(new SegmentEntry("中文-1", Digests.sha256(chinese), chinese)));
    assertThat(SegmentFormat.encode(nonAscii, true)[4]).isEqualTo(SegmentFormat.VERSION_COMPACT);
    // ids that differ in one character, of the same length, or only as UTF-8 bytes: stored in full
    for (String other : List.of("a2", "A1", "a", "a10", "中文-2", "é1")) {
      byte[] json = other.startsWith("中") ? chinese : A;
      Segment s = new Segment(1, 0, List.of(new SegmentEntry(other, Digests.sha256(json), json)));
      assertThat(SegmentFormat.encode(s, true)[4]).as(other).isEqualTo(SegmentFormat.VERSION);
    }
  }

  @Test
  void aCompactRecordWithoutATopLevelIdIsCorrupt() {
    byte[] json = "{\"text\":{\"id\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer raw = ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json);
    byte[] v3 = byHand(3, 1, 0, null, raw.array(), 1);
    assertThatThrownBy(() -> SegmentFormat.decode("k", v3, false)).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("has no top-level id");
  }

  private static void assertSame(Segment actual, Segment expected) {
    assertThat(actual.firstSerial()).isEqualTo(expected.firstSerial());
    assertThat(actual.archivedAt()).isEqualTo(expected.archivedAt());
    assertThat(actual.count()).isEqualTo(expected.count());
    for (int i = 0; i < expected.count(); i++) {
      assertThat(actual.entries().get(i).id()).isEqualTo(expected.entries().get(i).id());
      assertThat(actual.entries().get(i).digest()).isEqualTo(expected.entries().get(i).digest());
      assertThat(actual.entries().get(i).canonical()).isEqualTo(expected.entries().get(i).canonical());
    }
  }
}
