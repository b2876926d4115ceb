package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.ANNA;
import static dev.coffer.search.Fixtures.BEA;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.WEI;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Information barriers at the index: {@link SearchRequest#within()} and {@link SearchIndex#conversationsOf}. */
class ConfinedSearchTest {
  @TempDir Path dir;
  SearchIndex index;

  @BeforeEach
  void open() throws IOException {
    index = SearchIndex.open(dir.resolve("index"));
    index.committed(stored(
        message("m1", DESK, ALEX, T0, "the contract is signed"),
        message("m2", ANNA, BEA, T0.plusSeconds(60), "contract draft attached"),
        message("m3", ANNA, WEI, T0.plusSeconds(120), "contract 合同")));
    index.refresh();
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  private java.util.List<String> ids(SearchRequest r) throws IOException {
    return index.search(r).hits().stream().map(Hit::id).sorted().toList();
  }

  @Test
  void withinConfinesEveryHitToTheGivenConversations() throws IOException {
    assertThat(ids(SearchRequest.builder().query("contract").build())).containsExactly("m1", "m2", "m3");
    assertThat(ids(SearchRequest.builder().query("contract").within(Set.of("c-desk")).build())).containsExactly("m1");
    // a conversation filter outside the confinement finds nothing rather than widening it
    assertThat(ids(SearchRequest.builder().query("contract").conversation("c-anna").within(Set.of("c-desk")).build()))
        .isEmpty();
    assertThat(ids(SearchRequest.builder().query("contract").within(Set.of()).build())).isEmpty();
    assertThat(index.count(SearchRequest.builder().within(Set.of("c-anna")).build())).isEqualTo(2);
  }

  @Test
  void conversationsOfAPartyAreWhereItSentRecordsByHandlePhoneOrName() throws IOException {
    assertThat(index.conversationsOf("+1 555 123 4567")).containsExactly("c-desk");
    assertThat(index.conversationsOf("Béatrice Lefèvre")).containsExactly("c-anna");
    assertThat(index.conversationsOf("wxid_wei88")).containsExactly("c-anna");
    assertThat(index.conversationsOf("nobody")).isEmpty();
    assertThat(index.conversationsOf(" ")).isEmpty();
  }
}
