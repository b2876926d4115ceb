package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.ANNA;
import static dev.coffer.search.Fixtures.BEA;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.SOURCE;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.WEI;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.model.Audit;
import dev.coffer.model.Call;
import dev.coffer.model.ContactCard;
import dev.coffer.model.Edit;
import dev.coffer.model.Location;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Poll;
import dev.coffer.model.Reaction;
import dev.coffer.model.Record;
import dev.coffer.model.SystemEvent;
import dev.coffer.model.Unparsed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchIndexTest {
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

  void add(Record... records) throws IOException {
    index.committed(stored(records));
    index.refresh();
  }

  List<String> ids(String query) throws IOException {
    return ids(SearchRequest.builder().query(query).limit(100).build());
  }

  List<String> ids(SearchRequest request) throws IOException {
    return index.search(request).hits().stream().map(Hit::id).toList();
  }

  @Test
  void indexesTextWhereDigitRunsSitInsideLongerTokensAndSeveralNumbersPrecedeOneToken() throws IOException {
    // Regression: an import's audit record holds hex digests whose digit runs look like numbers;
    // several such runs before the next token once made start offsets go backwards and Lucene
    // refused the document.
    String hex = "231dcc2167398cc0f1d7142823b26c41413ed9538ecbeb9eeac2d82db01c2ade";
    dev.coffer.model.Audit audit = new dev.coffer.model.Audit("a1", "coffer", null,
        new dev.coffer.model.Party("os:alice", null), T0, null, "import", List.of("c-desk"),
        java.util.Map.of("a", "35", "b", "0", "file_sha256", hex, "note",
            "call 4155550123 or +44 20 7946 0958, ref 12345678901234"),
        "host", SOURCE);
    add(audit, message("m1", DESK, ALEX, T0, "x" + hex + " then +1 (415) 555-0123"));
    assertThat(ids("import")).containsExactly("a1");
    assertThat(ids("\"+1 415 555 0123\"")).containsExactlyInAnyOrder("a1", "m1");
    assertThat(ids("phone:\"+12167398\"")).as("digits inside a hex digest are not a number").isEmpty();
  }

  @Test
  void countIsExactWhereSearchTotalsAreOnlyALowerBound() throws IOException {
    List<Record> many = new java.util.ArrayList<>();
    for (int i = 0; i < SearchIndex.EXACT_TOTAL_UP_TO + 1500; i++) {
      many.add(message("n" + i, DESK, ALEX, T0.plusSeconds(i), "bulk note " + i));
    }
    index.committed(stored(1, many));
    index.refresh();
    SearchRequest all = SearchRequest.builder().query("bulk").limit(5).build();
    SearchResults page = index.search(all);
    assertThat(page.totalHits()).isGreaterThanOrEqualTo(SearchIndex.EXACT_TOTAL_UP_TO);
    assertThat(index.count(all)).isEqualTo(SearchIndex.EXACT_TOTAL_UP_TO + 1500);
    assertThat(index.count(SearchRequest.builder().query("").from("+15551234567").limit(1).build()))
        .isEqualTo(SearchIndex.EXACT_TOTAL_UP_TO + 1500);
  }

  @Test
  void findsChineseWordsInsideSentencesWithoutSpaces() throws IOException {
    add(message("m1", DESK, WEI, T0, "我们明天在北京讨论内幕交易的问题"),
        message("m2", DESK, WEI, T0.plusSeconds(60), "交易已经完成"));
    assertThat(ids("北京")).containsExactly("m1");
    assertThat(ids("内幕交易")).containsExactly("m1");
    assertThat(ids("交易")).containsExactlyInAnyOrder("m1", "m2");
    assertThat(ids("易内")).isEmpty();
    Hit hit = index.search(SearchRequest.of("北京")).hits().getFirst();
    assertThat(hit.snippet()).contains("«北京»");
  }

  @Test
  void findsEmojiIncludingToneAndZwjVariants() throws IOException {
    add(message("m1", DESK, ALEX, T0, "deal closed 😀"),
        message("m2", DESK, ALEX, T0, "agreed 👍🏽"),
        message("m3", DESK, ALEX, T0, "fine 👍"),
        message("m4", DESK, ALEX, T0, "on it 👩‍💻"));
    assertThat(ids("😀")).containsExactly("m1");
    assertThat(ids("👍")).containsExactlyInAnyOrder("m2", "m3");
    assertThat(ids("👍🏽")).containsExactly("m2");
    assertThat(ids("👩")).containsExactly("m4");
    assertThat(ids("👩‍💻")).containsExactly("m4");
  }

  @Test
  void findsPhoneNumbersWrittenInAnyNotation() throws IOException {
    add(message("m1", DESK, BEA, T0, "call me on (555) 123-4567 after lunch"),
        message("m2", DESK, BEA, T0, "office line 0044 20 7946 0958"),
        message("m3", DESK, BEA, T0, "nothing here 555 1234"));
    for (String q : List.of("+1 555-123-4567", "555-123-4567", "(555) 123 4567", "5551234567",
        "\"+1 (555) 123-4567\"", "phone:5551234567", "+15551234567")) {
      assertThat(ids(q)).as(q).containsExactly("m1");
    }
    assertThat(ids("+44 20 7946 0958")).containsExactly("m2");
    assertThat(ids("+44 (0)20 7946 0958 OR +1 555 123 4567")).containsExactlyInAnyOrder("m1", "m2");
    Hit hit = index.search(SearchRequest.of("+1 555 123 4567")).hits().getFirst();
    assertThat(hit.snippet()).contains("«(555) 123-4567»");
  }

  @Test
  void aPhoneQueryAlsoFindsWhatThatNumberSent() throws IOException {
    add(message("m1", DESK, ALEX, T0, "morning all"), message("m2", DESK, BEA, T0, "hello"));
    assertThat(ids("(555) 123-4567")).containsExactly("m1");
    // and a morning query is unaffected
    assertThat(ids("morning")).containsExactly("m1");
  }

  @Test
  void foldsAccentsAndCase() throws IOException {
    add(message("m1", ANNA, BEA, T0, "Réunion à Zürich, STRASSE gesperrt"),
        message("m2", ANNA, BEA, T0, "die Straße ist frei"));
    assertThat(ids("reunion zurich")).containsExactly("m1");
    assertThat(ids("RÉUNION")).containsExactly("m1");
    assertThat(ids("strasse")).containsExactlyInAnyOrder("m1", "m2");
    assertThat(ids("zür*")).containsExactly("m1");
  }

  @Test
  void supportsTheClassicQuerySyntax() throws IOException {
    add(message("m1", DESK, ALEX, T0, "sell the shares before the announcement"),
        message("m2", DESK, ALEX, T0, "buy the shares now"),
        message("m3", DESK, ALEX, T0, "lunch at noon"));
    assertThat(ids("shares")).containsExactlyInAnyOrder("m1", "m2");
    assertThat(ids("shares announcement")).containsExactly("m1"); // AND by default
    assertThat(ids("announcement OR lunch")).containsExactlyInAnyOrder("m1", "m3");
    assertThat(ids("shares NOT buy")).containsExactly("m1");
    assertThat(ids("shares -sell")).containsExactly("m2");
    assertThat(ids("\"buy the shares\"")).containsExactly("m2");
    assertThat(ids("\"sell announcement\"~5")).containsExactly("m1");
    assertThat(ids("announ*")).containsExactly("m1");
    assertThat(ids("l?nch")).containsExactly("m3");
    assertThatThrownBy(() -> ids("\"unclosed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("query:");
  }

  @Test
  void indexesTheTextOfEveryKind() throws IOException {
    Message media = Message.builder().id("media").channel("whatsapp").conversation(DESK).sender(ALEX)
        .sentAt(T0).attachments(List.of(new dev.coffer.model.Attachment("quarterly-forecast.pdf",
            "application/pdf", 1L, null, "numbers for Q3", false, false)))
        .source(SOURCE).build();
    Message poll = Message.builder().id("poll").channel("whatsapp").conversation(DESK).sender(ALEX)
        .sentAt(T0).poll(new Poll("Where shall we dine?", List.of(new Poll.Option("Sushi", 2L))))
        .source(SOURCE).build();
    Message place = Message.builder().id("place").channel("whatsapp").conversation(DESK).sender(ALEX)
        .sentAt(T0).location(new Location("51.5", "-0.1", "Borough Market", "8 Southwark St", null, false))
        .source(SOURCE).build();
    Message card = Message.builder().id("card").channel("whatsapp").conversation(DESK).sender(ALEX)
        .sentAt(T0).contact(new ContactCard("Zed Broker", List.of("+12025550143"), null)).source(SOURCE).build();
    SystemEvent subject = new SystemEvent("sys", "whatsapp", DESK, null, T0, null,
        SystemEvent.Event.SUBJECT_CHANGED, ALEX, null, "Alex changed the subject to \"Rates\"",
        Map.of("to", "Rates"), SOURCE);
    Call call = new Call("call", "whatsapp", DESK, ALEX, T0, null, Call.Media.VOICE, Call.Status.MISSED,
        null, false, "Missed voice call", SOURCE);
    Edit edit = new Edit("edit", "whatsapp", DESK, ALEX, T0, null, "media", "corrected forecast", SOURCE);
    Reaction reaction = new Reaction("react", "whatsapp", DESK, BEA, T0, null, "media", "🔥", SOURCE);
    Unparsed unparsed = new Unparsed("junk", "whatsapp", DESK, null, null, null, "garbled ¤¤ line",
        "no header", SOURCE);
    Audit audit = new Audit("audit", "coffer", null, new Party("officer1", "Officer One"), T0, null,
        "export", null, Map.of("format", "jsonl"), null, SOURCE);
    add(media, poll, place, card, subject, call, edit, reaction, unparsed, audit);
    assertThat(ids("forecast")).containsExactlyInAnyOrder("media", "edit");
    assertThat(ids("Q3")).containsExactly("media");
    assertThat(ids("dine sushi")).containsExactly("poll");
    assertThat(ids("borough southwark")).containsExactly("place");
    assertThat(ids("zed")).containsExactly("card");
    assertThat(ids("202-555-0143")).containsExactly("card");
    assertThat(ids("rates")).containsExactly("sys");
    assertThat(ids("missed call")).containsExactly("call");
    assertThat(ids("🔥")).containsExactly("react");
    assertThat(ids("garbled")).containsExactly("junk");
    assertThat(ids("export jsonl")).containsExactly("audit");
    assertThat(ids(SearchRequest.builder().query("forecast").kinds("edit").build())).containsExactly("edit");
    assertThat(ids(SearchRequest.builder().hasAttachment(true).build())).containsExactly("media");
    assertThat(ids(SearchRequest.builder().query("forecast").hasAttachment(false).build()))
        .containsExactly("edit");
  }

  @Test
  void hitsGiveIdsSerialsAndTimesInEveryIdLayout() throws IOException {
    // Format 4: a derived id (32 lowercase hex digits) is indexed and stored as its 16 bytes, any
    // other id as written; serial and sent_at come from doc values, not stored fields.
    String hex = dev.coffer.model.Ids.derive("test/message", "h1");
    String upper = hex.toUpperCase(java.util.Locale.ROOT); // 32 chars, not Coffer's form: kept as text
    String odd = "z".repeat(32);
    Unparsed untimed = new Unparsed("u1", "whatsapp", DESK, null, null, null, "ledger line", "no header", SOURCE);
    index.committed(List.of(
        Fixtures.stored(7, message(hex, DESK, ALEX, T0, "ledger alpha")),
        Fixtures.stored(8, message(upper, DESK, BEA, T0.plusSeconds(60), "ledger beta")),
        Fixtures.stored(9, message(odd, ANNA, WEI, T0.plusSeconds(120), "ledger gamma")),
        Fixtures.stored(10, untimed)));
    index.refresh();
    List<Hit> hits = index.search(SearchRequest.builder().query("ledger")
        .sort(SearchRequest.Sort.OLDEST).build()).hits();
    // the untimed record sits at the time of the record before it in its conversation (serial 8)
    assertThat(hits).extracting(Hit::id).containsExactly(hex, upper, "u1", odd);
    assertThat(hits).extracting(Hit::serial).containsExactly(7L, 8L, 10L, 9L);
    assertThat(hits).extracting(Hit::sentAt).containsExactly(T0, T0.plusSeconds(60), null, T0.plusSeconds(120));
    assertThat(index.search(SearchRequest.builder().query("ledger").build()).hits())
        .extracting(Hit::id).containsExactlyInAnyOrder(hex, upper, odd, "u1");

    // re-delivery replaces (the update key is the id term in either layout)
    index.committed(List.of(Fixtures.stored(7, message(hex, DESK, ALEX, T0, "ledger alpha")),
        Fixtures.stored(8, message(upper, DESK, BEA, T0.plusSeconds(60), "ledger beta"))));
    index.refresh();
    assertThat(index.count(SearchRequest.builder().query("ledger").build())).isEqualTo(4);
    // restricted ids are left out in either layout
    assertThat(index.search(SearchRequest.builder().query("ledger").build(), java.util.Set.of(hex, odd)).hits())
        .extracting(Hit::id).containsExactlyInAnyOrder(upper, "u1");
    assertThat(index.conversations(java.util.Set.of(odd))).extracting(ConversationSummary::id).containsExactly("c-desk");
    // disposition removes by id in either layout
    index.disposed(List.of(hex, upper));
    assertThat(ids("ledger")).containsExactlyInAnyOrder(odd, "u1");
  }

  @Test
  void filtersBySenderConversationChannelTimeAndKind() throws IOException {
    Message wechat = Message.builder().id("w1").channel("wechat").conversation(ANNA).sender(WEI)
        .sentAt(T0.plusSeconds(7200)).text("report ready").source(SOURCE).build();
    add(message("a1", DESK, ALEX, T0, "report draft"),
        message("b1", DESK, BEA, T0.plusSeconds(3600), "report reviewed"),
        message("b2", ANNA, BEA, T0.plusSeconds(5400), "report sent"),
        wechat);
    assertThat(ids(req().from("+1 (555) 123-4567").build())).containsExactly("a1");
    assertThat(ids(req().from("5551234567").build())).containsExactly("a1");
    assertThat(ids(req().from("wxid_wei88").build())).containsExactly("w1");
    assertThat(ids(req().from("beatrice").build())).containsExactlyInAnyOrder("b1", "b2");
    assertThat(ids(req().from("Alex Doe").build())).containsExactly("a1");
    assertThat(ids(req().from("Doe Alex").build())).isEmpty();
    assertThat(ids(req().from("王伟").build())).containsExactly("w1");
    assertThat(ids(req().conversation("c-desk").build())).containsExactlyInAnyOrder("a1", "b1");
    assertThat(ids(req().conversation("trading desk").build())).containsExactlyInAnyOrder("a1", "b1");
    assertThat(ids(req().channel("WeChat").build())).containsExactly("w1");
    assertThat(ids(req().since(T0.plusSeconds(3600)).build())).containsExactlyInAnyOrder("b1", "b2", "w1");
    assertThat(ids(req().since(T0.plusSeconds(3600)).until(T0.plusSeconds(5400)).build())).containsExactly("b1");
    assertThat(ids(req().from("beatrice").conversation("c-anna").build())).containsExactly("b2");
    assertThat(ids(req().kinds("system").build())).isEmpty();
    assertThatThrownBy(() -> req().kinds("sms").build()).hasMessageContaining("kinds: 'sms'");
  }

  SearchRequest.Builder req() {
    return SearchRequest.builder().query("report").limit(100);
  }

  @Test
  void hitsCarryTheRecordFieldsAndHighlightedSnippets() throws IOException {
    add(message("m1", DESK, ALEX, T0, "First line of chatter. Then the insider tip arrives. More chatter follows."));
    SearchResults results = index.search(SearchRequest.builder().query("insider").highlight("[", "]").build());
    assertThat(results.totalHits()).isEqualTo(1);
    assertThat(results.totalExact()).isTrue();
    Hit hit = results.hits().getFirst();
    assertThat(hit).extracting(Hit::id, Hit::serial, Hit::kind, Hit::channel, Hit::conversationId,
            Hit::conversationTitle, Hit::senderName, Hit::senderHandle, Hit::sentAt)
        .containsExactly("m1", 1L, "message", "whatsapp", "c-desk", "Trading Desk", "Alex Doe",
            "+15551234567", T0);
    assertThat(hit.snippet()).contains("[insider]").doesNotContain("«");
    assertThat(hit.score()).isPositive();
  }

  @Test
  void withoutATextMatchTheSnippetIsTheStartOfTheText() throws IOException {
    add(message("m1", DESK, ALEX, T0, "Opening words here. " + "filler ".repeat(200)));
    Hit hit = index.search(SearchRequest.builder().from("alex").build()).hits().getFirst();
    assertThat(hit.snippet()).startsWith("Opening words here.").doesNotContain("«");
    assertThat(hit.snippet().length()).isLessThan(500);
  }

  @Test
  void pagesByCursorAndByOffsetInTheSameOrder() throws IOException {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 55; i++) {
      records.add(message("m" + i, DESK, ALEX, T0.plusSeconds(i * 60L), "daily report number " + i));
    }
    records.add(message("other", DESK, ALEX, T0, "unrelated"));
    index.committed(stored(1, records));
    index.refresh();
    for (SearchRequest.Sort sort : SearchRequest.Sort.values()) {
      List<String> byCursor = new ArrayList<>();
      SearchRequest request = SearchRequest.builder().query("report").sort(sort).limit(20).build();
      int pages = 0;
      while (true) {
        SearchResults page = index.search(request);
        assertThat(page.totalHits()).isEqualTo(55);
        page.hits().forEach(h -> byCursor.add(h.id()));
        pages++;
        if (page.nextCursor() == null) {
          break;
        }
        request = request.toBuilder().after(page.nextCursor()).build();
      }
      assertThat(pages).isEqualTo(3);
      assertThat(byCursor).hasSize(55).doesNotHaveDuplicates();
      List<String> byOffset = new ArrayList<>();
      for (int offset = 0; offset < 55; offset += 20) {
        byOffset.addAll(ids(SearchRequest.builder().query("report").sort(sort).offset(offset).limit(20).build()));
      }
      assertThat(byOffset).as(sort.name()).isEqualTo(byCursor);
      if (sort == SearchRequest.Sort.NEWEST) {
        assertThat(byCursor.getFirst()).isEqualTo("m54");
        assertThat(byCursor.getLast()).isEqualTo("m0");
      }
      if (sort == SearchRequest.Sort.OLDEST) {
        assertThat(byCursor.subList(0, 3)).containsExactly("m0", "m1", "m2");
      }
    }
    assertThatThrownBy(() -> index.search(SearchRequest.builder().query("report").after("garbage!").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("after:");
  }

  @Test
  void indexingTheSameSerialTwiceKeepsOneDocument() throws IOException {
    var batch = stored(message("m1", DESK, ALEX, T0, "unique words"), message("m2", DESK, ALEX, T0, "unique too"));
    index.committed(batch);
    index.committed(batch);
    index.committed(batch.subList(1, 2));
    index.refresh();
    assertThat(index.search(SearchRequest.of("unique")).totalHits()).isEqualTo(2);
    index.close();
    index = SearchIndex.open(dir.resolve("index"));
    index.committed(batch);
    index.refresh();
    assertThat(index.search(SearchRequest.of("unique")).totalHits()).isEqualTo(2);
    assertThat(index.conversations().getFirst().records()).isEqualTo(2);
  }

  @Test
  void newRecordsBecomeSearchableWithinASecondWithoutAnExplicitRefresh() throws IOException, InterruptedException {
    index.committed(stored(message("m1", DESK, ALEX, T0, "fresh news")));
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(1).toNanos();
    boolean found = false;
    while (!found && System.nanoTime() < deadline) {
      found = index.search(SearchRequest.of("fresh")).totalHits() == 1;
      if (!found) {
        Thread.sleep(10);
      }
    }
    assertThat(found).as("searchable within 1 s").isTrue();
  }

  @Test
  void aBulkLoadSkipsThePeriodicRefreshAndIsSearchableAtOnceWhenItEnds() throws IOException, InterruptedException {
    java.io.Closeable bulk = index.suspendRefresh();
    java.io.Closeable nested = index.suspendRefresh();
    index.committed(stored(message("m1", DESK, ALEX, T0, "bulk news")));
    Thread.sleep(600); // three periodic refreshes would have run
    assertThat(index.search(SearchRequest.of("bulk")).totalHits()).as("not refreshed while suspended").isZero();
    nested.close();
    nested.close(); // closing twice counts once
    Thread.sleep(600);
    assertThat(index.search(SearchRequest.of("bulk")).totalHits()).as("still suspended by the outer handle").isZero();
    bulk.close();
    assertThat(index.search(SearchRequest.of("bulk")).totalHits()).as("searchable when the load ends").isEqualTo(1);
    index.committed(List.of(stored(2, message("m2", DESK, ALEX, T0.plusSeconds(1), "bulk later"))));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (index.search(SearchRequest.of("later")).totalHits() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(index.search(SearchRequest.of("later")).totalHits()).as("periodic refresh resumed").isEqualTo(1);
  }

  @Test
  void aBulkLoadIndexesBatchesInOrderOnAnotherThreadAndAllIsSearchableWhenItEnds() throws IOException {
    List<Record> all = new java.util.ArrayList<>();
    for (int i = 0; i < 9000; i++) {
      all.add(message("b" + i, DESK, ALEX, T0.plusSeconds(i), "bulk item " + i));
    }
    try (java.io.Closeable bulk = index.bulkLoad()) {
      assertThatThrownBy(index::bulkLoad).isInstanceOf(IllegalStateException.class);
      for (int from = 0; from < all.size(); from += 3000) {
        index.committed(stored(from + 1, all.subList(from, from + 3000)));
      }
    }
    assertThat(index.count(SearchRequest.builder().query("bulk").limit(1).build())).isEqualTo(9000);
    index.commit();
    assertThat(index.indexedThrough()).isEqualTo(9000);
    // after the load, commits index on the caller's thread again
    index.committed(List.of(stored(9001, message("after", DESK, ALEX, T0, "after the load"))));
    index.refresh();
    assertThat(ids("after")).containsExactly("after");
  }

  @Test
  void backgroundIndexingKeepsThePeriodicRefreshAndRefreshWaitsForTheHandedBatches()
      throws IOException, InterruptedException {
    try (java.io.Closeable background = index.indexInBackground()) {
      assertThatThrownBy(index::bulkLoad).isInstanceOf(IllegalStateException.class);
      index.committed(stored(message("m1", DESK, ALEX, T0, "served news")));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (index.search(SearchRequest.of("served")).totalHits() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(index.search(SearchRequest.of("served")).totalHits()).as("periodic refresh goes on").isEqualTo(1);
      List<Record> more = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        more.add(message("s" + i, DESK, ALEX, T0.plusSeconds(i + 1), "served item " + i));
      }
      index.committed(stored(2, more));
      index.refresh(); // waits for the background thread, then refreshes
      assertThat(index.count(SearchRequest.builder().query("item").limit(1).build())).isEqualTo(3000);
    }
    index.commit();
    assertThat(index.indexedThrough()).isEqualTo(3001);
  }

  @Test
  void commitRecordsTheGapFreePrefixAndSurvivesReopen() throws IOException {
    assertThat(index.indexedThrough()).isZero();
    List<Record> records = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      records.add(message("m" + i, DESK, ALEX, T0.plusSeconds(i), "note " + i));
    }
    var all = stored(1, records);
    index.committed(all.subList(4, 6)); // serials 5, 6 arrive first
    index.commit();
    assertThat(index.indexedThrough()).isZero();
    index.committed(all.subList(0, 3));
    index.commit();
    assertThat(index.indexedThrough()).isEqualTo(3);
    index.committed(all.subList(3, 4));
    index.close();
    index = SearchIndex.open(dir.resolve("index"));
    assertThat(index.indexedThrough()).isEqualTo(6);
    assertThat(index.search(SearchRequest.of("note")).totalHits()).isEqualTo(6);
  }

  @Test
  void anIndexBuiltForAnotherPhoneRegionMustBeRebuilt() throws IOException {
    add(message("m1", DESK, ALEX, T0, "x"));
    index.close();
    assertThatThrownBy(() -> SearchIndex.open(dir.resolve("index"), SearchOptions.defaults().withPhoneRegion("GB")))
        .isInstanceOf(StaleIndexException.class).hasMessageContaining("GB");
    index = SearchIndex.open(dir.resolve("index"));
  }

  @Test
  void theConfiguredRegionReadsNationalNumbers() throws IOException {
    index.close();
    index = SearchIndex.open(dir.resolve("gb"), SearchOptions.defaults().withPhoneRegion("GB"));
    add(message("m1", DESK, BEA, T0, "ring 020 7946 0958"));
    assertThat(ids("+44 20 7946 0958")).containsExactly("m1");
    assertThat(ids(SearchRequest.builder().from("07946 095800").build())).containsExactly("m1");
  }

  @Test
  void invalidOptionsNameTheField() {
    assertThatThrownBy(() -> SearchOptions.defaults().withRefreshInterval(Duration.ofSeconds(5)))
        .hasMessageContaining("refreshInterval");
    assertThatThrownBy(() -> SearchOptions.defaults().withRamBufferMb(0)).hasMessageContaining("ramBufferMb: 0");
  }

  @Test
  void parallelIndexingOfALargeBatchIndexesEverythingOnce() throws IOException {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      records.add(message("m" + i, i % 2 == 0 ? DESK : ANNA, ALEX, T0.plusSeconds(i), "bulk item " + i));
    }
    index.committed(stored(1, records));
    index.refresh();
    assertThat(index.search(SearchRequest.of("bulk")).totalHits()).isEqualTo(3000);
    assertThat(index.search(SearchRequest.of("bulk 2999")).hits()).extracting(Hit::serial).containsExactly(3000L);
    Set<Long> counts = new HashSet<>();
    index.conversations().forEach(c -> counts.add(c.records()));
    assertThat(counts).containsExactly(1500L);
  }
}
