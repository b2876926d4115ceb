package dev.coffer.archive.idindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Map;
import org.apache.lucene.codecs.bloom.BloomFilteringPostingsFormat;
import org.apache.lucene.codecs.perfield.PerFieldPostingsFormat;
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

/**
 * The id terms' layout (version 2), the Bloom filter in front of them (version 3), lookups and
 * verify's pair checksum over them, and indexes of the earlier versions.
 */
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
        assertThat(r.getIndexCommit().getUserData()).containsEntry(IdIndex.FORMAT, "3");
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

  @Test
  void everyLuceneSegmentFiltersItsIdsSoMissesEndEarlyAndHitsAreStillFound() throws Exception {
    Random random = new Random(7);
    List<String> ids = randomHexIds(random, 3000);
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IdIndex index = IdIndex.open(dir)) {
      // three commits: three Lucene segments, each with its own filter
      for (int s = 0; s < 3; s++) {
        index.add(ids.subList(s * 1000, s * 1000 + 1000), s * 1000 + 1);
        index.commit();
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertThat(r.leaves()).hasSize(3);
        assertThat(postingsFormats(r)).containsOnly(BloomFilteringPostingsFormat.BLOOM_CODEC_NAME);
      }
      try (IdIndex.Lookup lookup = index.lookup()) {
        for (int i = 0; i < ids.size(); i++) {
          assertThat(lookup.find(ids.get(i))).as(ids.get(i)).isEqualTo(i + 1);
        }
        // 3,000 misses: most end in a filter, the false positives in the terms; none is found
        for (String absent : randomHexIds(new Random(8), 3000)) {
          assertThat(lookup.find(absent)).as(absent).isEqualTo(-1);
        }
        assertThat(lookup.find("m-1")).isEqualTo(-1);
      }
      long sum = 0;
      for (int i = 0; i < ids.size(); i++) {
        sum += IdIndex.pairHash(ids.get(i), i + 1);
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertThat(IdIndex.pairChecksum(r)).containsExactly(sum, (long) ids.size());
      }
    }
  }

  @Test
  void anIndexOfVersionTwoIsReadAsItIsAndItsNewSegmentsAreFiltered() throws Exception {
    List<String> old = randomHexIds(new Random(1), 50);
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(null))) { // Lucene's codec: no filter
      long serial = 1;
      for (String id : old) {
        Document d = new Document();
        d.add(new StringField(IdIndex.ID, IdIndex.term(id), Field.Store.NO));
        d.add(new NumericDocValuesField(IdIndex.SERIAL, serial++));
        w.addDocument(d);
      }
      w.setLiveCommitData(Map.of(IdIndex.COVERED, "50", IdIndex.FORMAT, "2").entrySet());
      w.commit();
    }
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      assertThat(postingsFormats(r)).doesNotContain(BloomFilteringPostingsFormat.BLOOM_CODEC_NAME);
    }
    List<String> fresh = randomHexIds(new Random(2), 50);
    try (IdIndex index = IdIndex.open(dir)) {
      assertThat(index.coveredSerial()).isEqualTo(50); // kept, not emptied for a rebuild
      assertThat(index.find(old.get(49))).isEqualTo(50);
      index.add(fresh, 51);
      index.commit();
      try (IdIndex.Lookup lookup = index.lookup()) {
        for (int i = 0; i < 50; i++) {
          assertThat(lookup.find(old.get(i))).isEqualTo(i + 1);
          assertThat(lookup.find(fresh.get(i))).isEqualTo(i + 51);
        }
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertThat(r.getIndexCommit().getUserData()).containsEntry(IdIndex.FORMAT, "3");
        // the old segment as it was, the new one filtered
        assertThat(postingsFormats(r)).hasSize(2).contains(BloomFilteringPostingsFormat.BLOOM_CODEC_NAME);
      }
    }
  }

  /** The postings format of the id field in each Lucene segment, in order. */
  private static List<String> postingsFormats(DirectoryReader r) {
    return r.leaves().stream()
        .map(leaf -> leaf.reader().getFieldInfos().fieldInfo(IdIndex.ID).getAttribute(PerFieldPostingsFormat.PER_FIELD_FORMAT_KEY))
        .toList();
  }

  private static List<String> randomHexIds(Random random, int n) {
    List<String> out = new ArrayList<>(n);
    byte[] b = new byte[16];
    for (int i = 0; i < n; i++) {
      random.nextBytes(b);
      out.add(HexFormat.of().formatHex(b));
    }
    return out;
  }
}
