package dev.coffer.archive.idindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/** The id terms' layout (version 2), lookups and verify's pair checksum over it, and an index of the earlier layout. */
class IdIndexTest {
  private static final String HEX = "0123456789abcdef0123456789abcdef";

  @Test
  void hexIdsAreSixteenBytesBehindAMarkerAndEveryOtherIdIsItsUtf8() {
    BytesRef t = IdIndex.term(HEX);
    assertThat(t.length).isEqualTo(17);
    assertThat(t.bytes[t.offset]).isEqualTo((byte) 0xFF);
    for (String other : List.of(HEX.toUpperCase(), HEX.substring(1) + "g", "٠".repeat(32), "m-1", HEX + "0")) {
      assertThat(IdIndex.term(other)).as(other).isEqualTo(new BytesRef(other));
    }
  }

  @Test
  void thePairHashOfATermIsThePairHashOfItsId() {
    for (String id : List.of(HEX, "ffffffffffffffffffffffffffffffff", "m-1", "wamid.HBgM", "中文-id")) {
      assertThat(IdIndex.termPairHash(IdIndex.term(id), 42)).as(id).isEqualTo(IdIndex.pairHash(id, 42));
    }
  }

  @Test
  void findsEveryIdAndVerifysChecksumCoversThem() throws Exception {
    List<String> ids = List.of(HEX, "m-1", HEX.toUpperCase(), "fedcba9876543210fedcba9876543210");
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IdIndex index = IdIndex.open(dir)) {
      index.add(ids, 1);
      index.commit();
      for (int i = 0; i < ids.size(); i++) {
        assertThat(index.find(ids.get(i))).isEqualTo(i + 1);
      }
      assertThat(index.find("0123456789abcdef0123456789abcdee")).isEqualTo(-1);
      long sum = 0;
      for (int i = 0; i < ids.size(); i++) {
        sum += IdIndex.pairHash(ids.get(i), i + 1);
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertThat(IdIndex.pairChecksum(r)).containsExactly(sum, ids.size());
        assertThat(r.getIndexCommit().getUserData()).containsEntry(IdIndex.FORMAT, "2");
      }
    }
  }

  @Test
  void anIndexOfTheEarlierLayoutIsEmptiedOnOpenSoItIsRebuilt() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(null))) {
      Document d = new Document();
      d.add(new StringField(IdIndex.ID, HEX, Field.Store.NO)); // version 1: the id's UTF-8
      d.add(new NumericDocValuesField(IdIndex.SERIAL, 1));
      w.addDocument(d);
      w.setLiveCommitData(Map.of(IdIndex.COVERED, "1").entrySet());
      w.commit();
    }
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      // verify reads either layout: the earlier one hashes as before
      assertThat(IdIndex.pairChecksum(r)).containsExactly(IdIndex.pairHash(HEX, 1), 1L);
    }
    try (IdIndex index = IdIndex.open(dir)) {
      assertThat(index.coveredSerial()).isZero();
      assertThat(index.find(HEX)).isEqualTo(-1);
      index.add(List.of(HEX), 1);
      index.commit();
      assertThat(index.find(HEX)).isEqualTo(1);
    }
  }
}
