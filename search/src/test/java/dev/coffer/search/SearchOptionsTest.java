package dev.coffer.search;

import static dev.coffer.search.Fixtures.ALEX;
import static dev.coffer.search.Fixtures.DESK;
import static dev.coffer.search.Fixtures.T0;
import static dev.coffer.search.Fixtures.message;
import static dev.coffer.search.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchOptionsTest {
  @TempDir Path dir;

  @Test
  void theDefaultBlockCacheIsASixteenthOfTheHeapBetween32And512Mb() {
    long sixteenth = Runtime.getRuntime().maxMemory() / 16 >> 20;
    assertThat(SearchOptions.defaults().blockCacheMb())
        .isEqualTo((int) Math.max(32, Math.min(512, sixteenth)))
        .isBetween(32, 512);
  }

  @Test
  void aBlockCacheOutOfRangeIsRefusedNamingTheField() {
    assertThatThrownBy(() -> SearchOptions.defaults().withBlockCacheMb(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCacheMb");
    assertThatThrownBy(() -> SearchOptions.defaults().withBlockCacheMb(65_537))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCacheMb");
  }

  @Test
  void anEncryptedIndexAnswersTheSameWithoutACacheWithATinyOneAndWithTheDefault() throws IOException {
    Encryption encryption = Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0));
    Path path = dir.resolve("index");
    try (SearchIndex index = SearchIndex.open(path, SearchOptions.defaults(), encryption)) {
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        records.add(message("m" + i, DESK, ALEX, T0.plusSeconds(i),
            "quarterly forecast number " + i + (i % 7 == 0 ? " 北京 😀" : " desk update")));
      }
      index.committed(stored(1, records));
      index.commit();
    }
    List<List<String>> answers = new ArrayList<>();
    for (int mb : new int[] {0, 1, SearchOptions.defaultBlockCacheMb()}) {
      try (SearchIndex index = SearchIndex.open(path, SearchOptions.defaults().withBlockCacheMb(mb), encryption)) {
        List<String> ids = new ArrayList<>();
        for (String q : List.of("forecast", "北京", "😀", "\"desk update\"", "number 2999")) {
          for (int round = 0; round < 2; round++) { // the second round reads through the cache
            index.search(SearchRequest.builder().query(q).limit(50).build()).hits().forEach(h -> ids.add(h.id()));
          }
        }
        answers.add(ids);
      }
    }
    assertThat(answers.get(0)).isNotEmpty();
    assertThat(answers.get(1)).isEqualTo(answers.get(0));
    assertThat(answers.get(2)).isEqualTo(answers.get(0));
  }
}
