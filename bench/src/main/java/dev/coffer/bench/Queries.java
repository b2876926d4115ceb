package dev.coffer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.search.SearchIndex;
import dev.coffer.search.SearchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mixed query set, the same for Coffer and for SQLite FTS5: terms, a conjunction, phrases,
 * Chinese, emoji, accented words, a sender filter and a date filter; 20 hits each, with highlights.
 *
 * @param name what the query exercises
 * @param coffer the query in Coffer's (Lucene classic) syntax
 * @param fts5 the same query in FTS5 MATCH syntax
 * @param sender a sender-name filter, or null
 * @param since inclusive lower time bound, or null
 * @param until exclusive upper time bound, or null
 */
record Queries(String name, String coffer, String fts5, String sender, Instant since, Instant until) {

  static List<Queries> mixed(Workload.Records records) {
    Instant first = records.first();
    Instant last = records.last();
    Duration span = Duration.between(first, last);
    Instant since = first.plus(span.dividedBy(3));
    Instant until = since.plus(span.dividedBy(6));
    String sender = records.topSender();
    List<Queries> q = new ArrayList<>();
    q.add(new Queries("term", "invoice", "invoice", null, null, null));
    q.add(new Queries("rare term", "Lisboa", "Lisboa", null, null, null));
    q.add(new Queries("two terms", "contract AND discount", "contract AND discount", null, null, null));
    q.add(new Queries("phrase", "\"please confirm\"", "\"please confirm\"", null, null, null));
    q.add(new Queries("phrase 3", "\"client wants a\"", "\"client wants a\"", null, null, null));
    q.add(new Queries("chinese", "报价", "\"报价\"", null, null, null));
    q.add(new Queries("chinese 2", "明天 发货", "\"明天\" AND \"发货\"", null, null, null));
    q.add(new Queries("emoji", "📈", "\"📈\"", null, null, null));
    q.add(new Queries("accent-folded", "zurich", "zurich", null, null, null));
    q.add(new Queries("sender filter", "shipment", "shipment", sender, null, null));
    q.add(new Queries("date filter", "order", "order", null, since, until));
    q.add(new Queries("sender+date+phrase", "\"thanks shipment\" OR meeting", "\"thanks shipment\" OR meeting",
        sender, since, until));
    return q;
  }

  SearchRequest request() {
    SearchRequest.Builder b = SearchRequest.builder().query(coffer).limit(20).highlight("[", "]");
    if (sender != null) {
      b.from(sender);
    }
    if (since != null) {
      b.since(since).until(until);
    }
    return b.build();
  }

  /** Per-query latencies in ms over {@code rounds} rounds, after {@code warmup} rounds unmeasured. */
  static List<Double> measure(SearchIndex index, List<Queries> queries, int warmup, int rounds,
      long[] hitsOut) throws IOException {
    for (int i = 0; i < warmup; i++) {
      for (Queries q : queries) {
        index.search(q.request());
      }
    }
    List<Double> ms = new ArrayList<>();
    long hits = 0;
    for (int i = 0; i < rounds; i++) {
      for (Queries q : queries) {
        long t = System.nanoTime();
        hits += index.search(q.request()).hits().size();
        ms.add((System.nanoTime() - t) / 1e6);
      }
    }
    hitsOut[0] = hits;
    return ms;
  }

  static void writeJson(List<Queries> queries, Path file) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ArrayNode arr = m.createArrayNode();
    for (Queries q : queries) {
      ObjectNode o = arr.addObject();
      o.put("name", q.name());
      o.put("match", q.fts5());
      o.put("sender", q.sender());
      o.put("since_ms", q.since() == null ? null : q.since().toEpochMilli());
      o.put("until_ms", q.until() == null ? null : q.until().toEpochMilli());
    }
    m.writeValue(file.toFile(), arr);
  }
}
