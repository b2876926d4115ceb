package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.ANNA;
import static dev.coffer.search.Fixtures.BEA;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.SOURCE;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationViewsTest {
  @TempDir Path dir;
  SearchIndex index;

  @BeforeEach
  void open() throws IOException {
    index = SearchIndex.open(dir.resolve("index"));
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  @Test
  void listsConversationsWithCountsTimesAndLatestTitle() throws IOException {
    Conversation renamed = new Conversation("c-desk", ConversationKind.GROUP, "Rates Desk");
    index.committed(stored(1, List.of(
        message("d1", DESK, ALEX, T0, "one"),
        message("a1", ANNA, BEA, T0.plusSeconds(10), "two"),
        message("d2", renamed, ALEX, T0.plusSeconds(3600), "three"),
        // archived later but sent earlier: does not change the latest title
        message("d3", DESK, BEA, T0.plusSeconds(60), "four"),
        new Audit("au", "coffer", null, new Party("officer", null), T0.plusSeconds(9999), null,
            "view", null, null, null, SOURCE))));
    index.committed(stored(message("d1", DESK, ALEX, T0, "one"))); // re-delivery: no double count
    index.refresh();
    List<ConversationSummary> list = index.conversations();
    assertThat(list).containsExactly(
        new ConversationSummary("c-desk", "Rates Desk", "group", "whatsapp", 3, T0, T0.plusSeconds(3600)),
        new ConversationSummary("c-anna", "Anna Müller", "direct", "whatsapp", 1, T0.plusSeconds(10),
            T0.plusSeconds(10)));
  }

  @Test
  void excludedRecordsLeaveNoTraceInTheList() throws IOException {
    Conversation renamed = new Conversation("c-desk", ConversationKind.GROUP, "Rates Desk");
    index.committed(stored(1, List.of(
        message("d1", DESK, ALEX, T0, "one"),
        message("a1", ANNA, BEA, T0.plusSeconds(10), "two"),
        message("d2", renamed, ALEX, T0.plusSeconds(3600), "three"),
        message("d3", DESK, BEA, T0.plusSeconds(60), "four"))));
    index.refresh();
    // the first and the latest desk records and the only direct one are hidden: the desk's count,
    // first and last times and title come from d3 alone, and the direct conversation is not listed
    assertThat(index.conversations(java.util.Set.of("d1", "d2", "a1"))).containsExactly(
        new ConversationSummary("c-desk", DESK.title(), "group", "whatsapp", 1, T0.plusSeconds(60), T0.plusSeconds(60)));
    assertThat(index.conversations(java.util.Set.of("no-such-id"))).isEqualTo(index.conversations());
  }

  @Test
  void pagesAConversationInTimeThenSerialOrder() throws IOException {
    List<Record> records = new ArrayList<>();
    // serial order differs from time order: the view follows time, ties by serial
    int[] minutes = {5, 1, 3, 3, 0, 9, 7, 2, 8, 6};
    for (int i = 0; i < minutes.length; i++) {
      records.add(message("m" + i, DESK, ALEX, T0.plusSeconds(minutes[i] * 60L), "msg " + i));
    }
    records.add(message("other", ANNA, BEA, T0, "elsewhere"));
    index.committed(stored(1, records));
    index.refresh();
    // serial = index + 1; expected order by (minute, serial)
    List<Long> expected = List.of(5L, 2L, 8L, 3L, 4L, 1L, 10L, 7L, 9L, 6L);
    assertThat(index.conversationSerials("c-desk", null, 100)).isEqualTo(expected);
    assertThat(index.conversationSerials("c-desk", null, 4)).isEqualTo(expected.subList(0, 4));
    assertThat(index.conversationSerials("c-desk", T0.plusSeconds(180), 3)).containsExactly(3L, 4L, 1L);
    assertThat(index.conversationSerialsAfter(4L, 3)).containsExactly(1L, 10L, 7L);
    assertThat(index.conversationSerialsAfter(6L, 3)).isEmpty();
    assertThat(index.conversationSerialsBefore(4L, 2)).containsExactly(8L, 3L);
    assertThat(index.conversationSerials("nope", null, 10)).isEmpty();
    assertThatThrownBy(() -> index.conversationSerialsAfter(999L, 3)).isInstanceOf(IllegalArgumentException.class);

    ConversationWindow window = index.around(4L, 2).orElseThrow();
    assertThat(window).isEqualTo(new ConversationWindow("c-desk", List.of(8L, 3L, 4L, 1L, 10L), 2, 4, 10));
    ConversationWindow start = index.around(5L, 3).orElseThrow();
    assertThat(start.serials()).containsExactly(5L, 2L, 8L, 3L);
    assertThat(start.targetIndex()).isZero();
    assertThat(start.position()).isZero();
    assertThat(index.around(999L, 3)).isEmpty();
  }

  @Test
  void aRecordWithoutTimeStaysAfterItsPredecessorInTheConversation() throws IOException {
    Unparsed garbled = new Unparsed("u1", "whatsapp", DESK, null, null, null, "�� garbled", "no header", SOURCE);
    index.committed(stored(1, List.of(
        message("m1", DESK, ALEX, T0.plusSeconds(60), "before"),
        garbled,
        message("m2", DESK, ALEX, T0.plusSeconds(120), "after"))));
    index.refresh();
    assertThat(index.conversationSerials("c-desk", null, 10)).containsExactly(1L, 2L, 3L);
    // also when the predecessor is only known to the index (a new SearchIndex has an empty cache)
    index.close();
    index = SearchIndex.open(dir.resolve("index"));
    Unparsed later = new Unparsed("u2", "whatsapp", DESK, null, null, null, "more garbage", "no header", SOURCE);
    index.committed(List.of(stored(4, later)));
    index.refresh();
    assertThat(index.conversationSerials("c-desk", null, 10)).containsExactly(1L, 2L, 3L, 4L);
    Hit hit = index.search(SearchRequest.of("garbage")).hits().getFirst();
    assertThat(hit.sentAt()).isNull();
  }
}
