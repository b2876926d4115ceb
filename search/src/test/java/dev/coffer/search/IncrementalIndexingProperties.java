package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever batches the records arrive in, in whatever order, with re-deliveries, the index answers
 * the same as one that got them all at once in serial order (the rebuild path).
 */
class IncrementalIndexingProperties {
  private static final String[] WORDS = {"alpha", "北京", "交易", "😀", "report", "Zürich", "deal",
      "+1 555 010 9999", "(202) 555-0143", "lunch"};
  private static final Conversation[] CONVERSATIONS = {
      new Conversation("c1", ConversationKind.GROUP, "One"),
      new Conversation("c2", ConversationKind.DIRECT, "Two"),
      new Conversation("c3", ConversationKind.GROUP, null)};

  @Property(tries = 10)
  void incrementalEqualsBulk(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int n) throws IOException {
    Random random = new Random(seed);
    List<StoredRecord> records = records(random, n);
    Path tmp = Files.createTempDirectory("coffer-search-prop");
    try (SearchIndex bulk = SearchIndex.open(tmp.resolve("bulk"));
        SearchIndex incremental = SearchIndex.open(tmp.resolve("incremental"))) {
      bulk.committed(records);
      // in order, random batch sizes, some batches delivered twice
      int i = 0;
      while (i < records.size()) {
        int size = 1 + random.nextInt(10);
        List<StoredRecord> batch = records.subList(i, Math.min(records.size(), i + size));
        incremental.committed(batch);
        if (random.nextInt(4) == 0) {
          incremental.committed(batch);
        }
        if (random.nextInt(5) == 0) {
          incremental.commit();
        }
        i += size;
      }
      // and a late re-delivery of a random sample
      List<StoredRecord> sample = new ArrayList<>(records);
      Collections.shuffle(sample, random);
      incremental.committed(sample.subList(0, Math.min(5, sample.size())).stream()
          .sorted(java.util.Comparator.comparingLong(StoredRecord::serial)).toList());
      bulk.refresh();
      incremental.refresh();
      assertThat(incremental.conversations()).isEqualTo(bulk.conversations());
      for (Conversation c : CONVERSATIONS) {
        assertThat(incremental.conversationSerials(c.id(), null, 1000))
            .isEqualTo(bulk.conversationSerials(c.id(), null, 1000));
      }
      for (String q : List.of("alpha", "北京", "😀", "zurich", "202-555-0143", "deal OR lunch", "")) {
        for (SearchRequest.Sort sort : SearchRequest.Sort.values()) {
          SearchRequest request = SearchRequest.builder().query(q).sort(sort).limit(1000).build();
          SearchResults expected = bulk.search(request);
          SearchResults actual = incremental.search(request);
          if (sort == SearchRequest.Sort.RELEVANCE && !q.isEmpty()) {
            // BM25 statistics count replaced documents until segments merge: scores may differ
            assertThat(actual.hits()).as(q).usingRecursiveFieldByFieldElementComparatorIgnoringFields("score")
                .containsExactlyInAnyOrderElementsOf(expected.hits());
          } else {
            assertThat(actual).as(q + " " + sort).isEqualTo(expected);
          }
        }
      }
      bulk.commit();
      incremental.commit();
      assertThat(incremental.indexedThrough()).isEqualTo(bulk.indexedThrough()).isEqualTo(n);
    } finally {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<StoredRecord> records(Random random, int n) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Conversation c = CONVERSATIONS[random.nextInt(CONVERSATIONS.length)];
      String text = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
      if (random.nextInt(10) == 0) {
        out.add(new Unparsed("u" + i, "whatsapp", c, null, null, null, text, "unreadable", Fixtures.SOURCE));
      } else {
        // times repeat and go backwards: ordering must rely on (time, serial) only
        out.add(Fixtures.message("m" + i, c, new Party(null, "P" + random.nextInt(3)),
            Fixtures.T0.plusSeconds(60L * random.nextInt(20)), text));
      }
    }
    return Fixtures.stored(1, out);
  }
}
