package dev.coffer.search;

import static dev.coffer.search.RecordDocuments.CONVERSATION;
import static dev.coffer.search.RecordDocuments.CONVERSATION_META;
import static dev.coffer.search.RecordDocuments.SERIAL;
import static dev.coffer.search.RecordDocuments.TIME;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.BytesRef;

/**
 * Conversation listing and chronological paging, read from doc values: listing touches three
 * doc-value columns per document and loads no stored document; paging is a sorted search with
 * search-after on (time, serial), constant cost however deep.
 */
final class ConversationViews {
  static final Sort CHRONOLOGICAL = new Sort(
      LongField.newSortField(TIME, false, SortedNumericSelector.Type.MIN),
      LongField.newSortField(SERIAL, false, SortedNumericSelector.Type.MIN));
  static final Sort REVERSE_CHRONOLOGICAL = new Sort(
      LongField.newSortField(TIME, true, SortedNumericSelector.Type.MIN),
      LongField.newSortField(SERIAL, true, SortedNumericSelector.Type.MIN));

  private ConversationViews() {}

  /** Where a record sits: its conversation and its (time, serial) sort key. */
  record Position(String conversationId, long time, long serial) {}

  /** Every conversation, latest activity first (ties by id). */
  static List<ConversationSummary> list(IndexSearcher searcher) throws IOException {
    return list(searcher, Set.of());
  }

  /**
   * Every conversation as if the records with {@code excludedIds} were not indexed: their counts,
   * first and last times and titles come from the other records only, and a conversation made only
   * of excluded records is left out (a reader who may not see a record must not learn its time).
   */
  static List<ConversationSummary> list(IndexSearcher searcher, Set<String> excludedIds) throws IOException {
    Map<String, Aggregate> all = new HashMap<>();
    for (LeafReaderContext ctx : searcher.getIndexReader().leaves()) {
      aggregate(ctx.reader(), excludedDocs(ctx.reader(), excludedIds), all);
    }
    List<ConversationSummary> out = new ArrayList<>(all.size());
    all.forEach((id, a) -> {
      String[] meta = a.meta.split(String.valueOf(RecordDocuments.META_SEPARATOR), 3);
      out.add(new ConversationSummary(id, meta.length > 2 && !meta[2].isEmpty() ? meta[2] : null,
          meta[0], meta.length > 1 ? meta[1] : null, a.count, Instant.ofEpochMilli(a.minTime),
          Instant.ofEpochMilli(a.maxTime)));
    });
    out.sort(Comparator.comparing(ConversationSummary::last).reversed()
        .thenComparing(ConversationSummary::id));
    return out;
  }

  private static final class Aggregate {
    long count;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    long latestSerial = Long.MIN_VALUE;
    String meta = "";

    void merge(long count, long min, long max, long latestSerial, String meta) {
      this.count += count;
      minTime = Math.min(minTime, min);
      if (max > maxTime || (max == maxTime && latestSerial > this.latestSerial)) {
        maxTime = max;
        this.latestSerial = latestSerial;
        this.meta = meta;
      }
    }
  }

  /** The documents of {@code leaf} whose id is one of {@code ids}, or null when there are none. */
  private static FixedBitSet excludedDocs(LeafReader leaf, Set<String> ids) throws IOException {
    FixedBitSet out = null;
    for (String id : ids) {
      PostingsEnum docs = leaf.postings(new Term(RecordDocuments.ID, RecordDocuments.idTerm(id)));
      if (docs == null) {
        continue;
      }
      for (int d = docs.nextDoc(); d != PostingsEnum.NO_MORE_DOCS; d = docs.nextDoc()) {
        if (out == null) {
          out = new FixedBitSet(leaf.maxDoc());
        }
        out.set(d);
      }
    }
    return out;
  }

  private static void aggregate(LeafReader leaf, Bits excluded, Map<String, Aggregate> all) throws IOException {
    SortedSetDocValues conv = DocValues.getSortedSet(leaf, CONVERSATION);
    int ords = (int) conv.getValueCount();
    if (ords == 0) {
      return;
    }
    SortedNumericDocValues time = DocValues.getSortedNumeric(leaf, TIME);
    SortedNumericDocValues serial = DocValues.getSortedNumeric(leaf, SERIAL);
    SortedDocValues meta = DocValues.getSorted(leaf, CONVERSATION_META);
    long[] count = new long[ords];
    long[] min = new long[ords];
    long[] max = new long[ords];
    long[] latestSerial = new long[ords];
    int[] latestMeta = new int[ords];
    java.util.Arrays.fill(min, Long.MAX_VALUE);
    java.util.Arrays.fill(max, Long.MIN_VALUE);
    java.util.Arrays.fill(latestSerial, Long.MIN_VALUE);
    java.util.Arrays.fill(latestMeta, -1);
    Bits live = leaf.getLiveDocs();
    for (int doc = conv.nextDoc(); doc != SortedSetDocValues.NO_MORE_DOCS; doc = conv.nextDoc()) {
      if ((live != null && !live.get(doc)) || (excluded != null && excluded.get(doc))) {
        continue;
      }
      int ord = (int) conv.nextOrd();
      long t = time.advanceExact(doc) ? time.nextValue() : 0;
      long s = serial.advanceExact(doc) ? serial.nextValue() : 0;
      count[ord]++;
      min[ord] = Math.min(min[ord], t);
      if (t > max[ord] || (t == max[ord] && s > latestSerial[ord])) {
        max[ord] = t;
        latestSerial[ord] = s;
        latestMeta[ord] = meta.advanceExact(doc) ? meta.ordValue() : -1;
      }
    }
    for (int ord = 0; ord < ords; ord++) {
      if (count[ord] == 0) {
        continue;
      }
      String id = conv.lookupOrd(ord).utf8ToString();
      String m = latestMeta[ord] < 0 ? "" : meta.lookupOrd(latestMeta[ord]).utf8ToString();
      all.computeIfAbsent(id, k -> new Aggregate())
          .merge(count[ord], min[ord], max[ord], latestSerial[ord], m);
    }
  }

  /** The distinct conversation ids of the records matching {@code q}. */
  static Set<String> conversationsMatching(IndexSearcher searcher, Query q) throws IOException {
    Set<String> out = new java.util.TreeSet<>();
    org.apache.lucene.search.Weight w = searcher.createWeight(searcher.rewrite(q),
        org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES, 1f);
    for (LeafReaderContext ctx : searcher.getIndexReader().leaves()) {
      org.apache.lucene.search.Scorer scorer = w.scorer(ctx);
      if (scorer == null) {
        continue;
      }
      SortedSetDocValues conv = DocValues.getSortedSet(ctx.reader(), CONVERSATION);
      Bits live = ctx.reader().getLiveDocs();
      java.util.BitSet seen = new java.util.BitSet();
      org.apache.lucene.search.DocIdSetIterator it = scorer.iterator();
      for (int doc = it.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if ((live == null || live.get(doc)) && conv.advanceExact(doc)) {
          seen.set((int) conv.nextOrd());
        }
      }
      for (int ord = seen.nextSetBit(0); ord >= 0; ord = seen.nextSetBit(ord + 1)) {
        out.add(conv.lookupOrd(ord).utf8ToString());
      }
    }
    return out;
  }

  /** The conversation and sort key of the record with this serial, if it is indexed. */
  static Optional<Position> position(IndexSearcher searcher, long serial) throws IOException {
    TopFieldDocs top = searcher.search(LongField.newExactQuery(SERIAL, serial), 1, CHRONOLOGICAL);
    if (top.scoreDocs.length == 0) {
      return Optional.empty();
    }
    FieldDoc hit = (FieldDoc) top.scoreDocs[0];
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    LeafReaderContext ctx = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
    SortedSetDocValues conv = DocValues.getSortedSet(ctx.reader(), CONVERSATION);
    if (!conv.advanceExact(hit.doc - ctx.docBase)) {
      return Optional.of(new Position(null, (Long) hit.fields[0], serial));
    }
    BytesRef id = conv.lookupOrd(conv.nextOrd());
    return Optional.of(new Position(id.utf8ToString(), (Long) hit.fields[0], serial));
  }

  static Query inConversation(String conversationId) {
    return new TermQuery(new Term(CONVERSATION, conversationId));
  }

  /** Serials of up to {@code limit} records of the conversation with time ≥ {@code from}, in order. */
  static List<Long> fromTime(IndexSearcher searcher, String conversationId, Instant from, int limit)
      throws IOException {
    Query q = inConversation(conversationId);
    if (from != null) {
      q = new BooleanQuery.Builder().add(q, Occur.FILTER)
          .add(LongField.newRangeQuery(TIME, from.toEpochMilli(), Long.MAX_VALUE), Occur.FILTER)
          .build();
    }
    return serials(searcher.search(q, limit, CHRONOLOGICAL));
  }

  /** Serials of up to {@code limit} records right after {@code p} in its conversation, in order. */
  static List<Long> after(IndexSearcher searcher, Position p, int limit) throws IOException {
    FieldDoc after = new FieldDoc(Integer.MAX_VALUE, Float.NaN, new Object[] {p.time(), p.serial()});
    return serials(searchAfter(searcher, after, inConversation(p.conversationId()), limit, CHRONOLOGICAL));
  }

  /** Serials of up to {@code limit} records right before {@code p} in its conversation, in order. */
  static List<Long> before(IndexSearcher searcher, Position p, int limit) throws IOException {
    FieldDoc after = new FieldDoc(Integer.MAX_VALUE, Float.NaN, new Object[] {p.time(), p.serial()});
    List<Long> reversed = serials(
        searchAfter(searcher, after, inConversation(p.conversationId()), limit, REVERSE_CHRONOLOGICAL));
    Collections.reverse(reversed);
    return reversed;
  }

  /**
   * Search-after by sort values alone. (IndexSearcher.searchAfter insists on a doc id of the current
   * reader, which a position taken from sort values does not have; the serial key makes ties
   * impossible, so the doc id never decides.)
   */
  private static TopFieldDocs searchAfter(IndexSearcher searcher, FieldDoc after, Query q, int limit, Sort sort)
      throws IOException {
    return searcher.search(q, new TopFieldCollectorManager(sort, limit, after, limit));
  }

  /** How many records of the conversation come before {@code p}. */
  static long countBefore(IndexSearcher searcher, Position p) throws IOException {
    Query earlierTime = LongField.newRangeQuery(TIME, Long.MIN_VALUE, p.time() - 1);
    Query sameTimeLowerSerial = new BooleanQuery.Builder()
        .add(LongField.newExactQuery(TIME, p.time()), Occur.FILTER)
        .add(LongField.newRangeQuery(SERIAL, Long.MIN_VALUE, p.serial() - 1), Occur.FILTER)
        .build();
    Query q = new BooleanQuery.Builder()
        .add(inConversation(p.conversationId()), Occur.FILTER)
        .add(new BooleanQuery.Builder().add(earlierTime, Occur.SHOULD)
            .add(sameTimeLowerSerial, Occur.SHOULD).setMinimumNumberShouldMatch(1).build(), Occur.FILTER)
        .build();
    return searcher.count(q);
  }

  private static List<Long> serials(org.apache.lucene.search.TopDocs top) {
    List<Long> out = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      out.add((Long) ((FieldDoc) sd).fields[1]);
    }
    return out;
  }
}
