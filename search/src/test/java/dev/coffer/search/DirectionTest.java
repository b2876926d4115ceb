package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.ANNA;
import static dev.coffer.search.Fixtures.BEA;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.model.Audit;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import dev.coffer.model.SystemEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direction filter: outbound when the record shows the firm sent it (a Cloud API echo, a WeCom
 * user id, an Official Account's own id) or the directory names its sender; inbound otherwise;
 * records without a sender and audit records match neither.
 */
class DirectionTest {
  @TempDir Path dir;
  SearchIndex index;

  static final Conversation WECOM = new Conversation("c-wecom", ConversationKind.DIRECT, "客户");
  static final Conversation CLOUD = new Conversation("c-cloud", ConversationKind.DIRECT, "Customer");

  static Message from(String id, String channel, Conversation c, Party sender, String range) {
    return Message.builder().id(id).channel(channel).conversation(c).sender(sender).sentAt(T0).text("quote " + id)
        .source(new Source("test", null, null, range, null)).build();
  }

  @BeforeEach
  void open() throws IOException {
    index = SearchIndex.open(dir.resolve("index"));
    index.committed(stored(
        message("m-alex", DESK, ALEX, T0, "quote from the desk"),            // ALEX is in the directory below
        message("m-bea", ANNA, BEA, T0.plusSeconds(1), "quote from a client"),
        from("m-echo", "whatsapp", CLOUD, new Party("+15550001111", "Biz"), "/entry/0/changes/0/value/message_echoes/0"),
        from("m-cust", "whatsapp", CLOUD, new Party("+15550002222", "Cust"), "/entry/0/changes/0/value/messages/0"),
        from("m-wecom-staff", "wecom", WECOM, new Party("zhangsan", null), "seq 1"),
        from("m-wecom-ext", "wecom", WECOM, new Party("wmAbCdEf123", null), "seq 2"),
        from("m-oa-user", "wechat", CLOUD, new Party("oUser123", null), "body"),
        new SystemEvent("s-none", "whatsapp", DESK, null, T0.plusSeconds(5), null, SystemEvent.Event.OTHER, null, null,
            "quote system", null, new Source("test", null, null, "lines 9-9", null)),
        new Audit("a-1", "coffer", null, new Party("web:admin", null), T0.plusSeconds(6), null, "search", List.of(),
            Map.of("query", "quote"), "127.0.0.1", new Source("coffer", null, null, null, null))));
    index.refresh();
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  private List<String> ids(SearchRequest.Direction d, Set<String> firm) throws IOException {
    return index.search(SearchRequest.builder().query("quote").direction(d).firmHandles(firm).limit(50).build())
        .hits().stream().map(Hit::id).sorted().toList();
  }

  @Test
  void outboundIsWhatTheRecordShowsPlusTheDirectorysHandles() throws IOException {
    assertThat(ids(SearchRequest.Direction.OUTBOUND, Set.of())).containsExactly("m-echo", "m-wecom-staff");
    assertThat(ids(SearchRequest.Direction.INBOUND, Set.of()))
        .containsExactly("m-alex", "m-bea", "m-cust", "m-oa-user", "m-wecom-ext");
    // the directory names Alex in another notation: his records turn outbound at once, no reindex
    assertThat(ids(SearchRequest.Direction.OUTBOUND, Set.of("+1 (555) 123-4567")))
        .containsExactly("m-alex", "m-echo", "m-wecom-staff");
    assertThat(ids(SearchRequest.Direction.INBOUND, Set.of("+15551234567")))
        .containsExactly("m-bea", "m-cust", "m-oa-user", "m-wecom-ext");
    // without a direction every record matches, the system line without a sender and the audit record too
    assertThat(ids(null, Set.of())).contains("s-none", "a-1").hasSize(9);
  }

  @Test
  void directionsParseAndBadValuesAreRefusedNamingThem() {
    assertThat(SearchRequest.Direction.parse("Outbound")).isEqualTo(SearchRequest.Direction.OUTBOUND);
    assertThat(SearchRequest.Direction.parse("in")).isEqualTo(SearchRequest.Direction.INBOUND);
    assertThat(SearchRequest.Direction.parse(" ")).isNull();
    assertThatThrownBy(() -> SearchRequest.Direction.parse("sideways")).hasMessageContaining("'sideways'");
  }
}
