package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Source;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index an older Coffer wrote is rebuilt from the archive on open: format 1 (no direction field),
 * format 3 (ids as text, serial and sent_at stored).
 */
class IndexFormatUpgradeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"1", "3"})
  void anIndexOfAFormerFormatIsRebuiltWhenTheArchiveIsOpened(String former) throws Exception {
    Path data = dir.resolve("data");
    Conversation c = new Conversation("c-wecom", ConversationKind.DIRECT, "客户");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      a.append(List.of(Message.builder().id("m1").channel("wecom").conversation(c).sender(new Party("zhangsan", null))
          .sentAt(Instant.parse("2026-03-02T09:00:00Z")).text("报价 today").source(new Source("test", null, null, "seq 1", null))
          .build()));
    }
    try (IndexedArchive ia = IndexedArchive.open(data, ArchiveOptions.defaults(), IndexedArchive.CatchUpProgress.SILENT)) {
      assertThat(ia.index().indexedThrough()).isPositive();
    }
    // as an older Coffer left it: the commit names the former format
    Encryption enc = Archives.encryption(data, MasterKeySource.standard(data));
    try (Directory d = enc.wrap(FSDirectory.open(IndexedArchive.indexDir(data)), Encryption.SEARCH_INDEX);
         IndexWriter w = new IndexWriter(d, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
      Map<String, String> userData = new HashMap<>(SegmentInfos.readLatestCommit(d).getUserData());
      userData.put(SearchIndex.DATA_FORMAT, former);
      w.setLiveCommitData(userData.entrySet());
      w.commit();
    }
    assertThatThrownBy(() -> SearchIndex.open(IndexedArchive.indexDir(data), SearchOptions.defaults(), enc))
        .isInstanceOf(StaleIndexException.class).hasMessageContaining("format " + former);
    long[] told = {-1};
    try (IndexedArchive ia = IndexedArchive.open(data, ArchiveOptions.defaults(), behind -> {
      told[0] = behind;
      return n -> { };
    })) {
      assertThat(told[0]).isPositive();
      assertThat(ia.index().count(SearchRequest.builder().query("报价")
          .direction(SearchRequest.Direction.OUTBOUND).build())).isEqualTo(1);
      assertThat(ia.index().search(SearchRequest.builder().query("报价").build()).hits())
          .extracting(Hit::id, Hit::serial, Hit::sentAt)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("m1", 1L, Instant.parse("2026-03-02T09:00:00Z")));
    }
  }
}
