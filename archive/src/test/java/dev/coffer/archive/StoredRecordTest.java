package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.model.Digests;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredRecordTest {
  @TempDir Path dir;

  @Test
  void listenersGetTheAppendedRecordsAlignedWithTheirSerialsAcrossDuplicates() throws IOException {
    try (Archive a = Archives.create(dir.resolve("data"), ArchiveOptions.defaults())) {
      List<StoredRecord> got = new ArrayList<>();
      a.addCommitListener(got::addAll);
      a.append(RecordFixtures.messages(0, 3));
      // 1 and 2 are already archived, 5 appears twice in one batch: only 3, 4, 5 are fresh.
      List<Record> batch = new ArrayList<>(RecordFixtures.messages(1, 5));
      batch.add(2, RecordFixtures.message(5));
      a.append(batch);
      assertThat(got).extracting(StoredRecord::serial).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(got).extracting(s -> s.record().id())
          .containsExactly(RecordFixtures.message(0).id(), RecordFixtures.message(1).id(), RecordFixtures.message(2).id(),
              RecordFixtures.message(5).id(), RecordFixtures.message(3).id(), RecordFixtures.message(4).id());
      for (StoredRecord s : got) {
        StoredRecord read = a.get(s.serial()).orElseThrow();
        assertThat(read).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(s.record()).isEqualTo(read.record()).isEqualTo(RecordJson.parse(s.canonical()));
        assertThat(s.canonical()).isEqualTo(RecordJson.canonical(s.record()));
      }
    }
  }

  @Test
  void equalityIsByValueOfTheArchivedFields() {
    byte[] bytes = RecordJson.canonical(RecordFixtures.message(1));
    String digest = Digests.sha256Hex(bytes);
    StoredRecord s = new StoredRecord(7, digest, bytes, 1000);
    assertThat(s).isEqualTo(new StoredRecord(7, digest, bytes.clone(), 1000));
    assertThat(s).isEqualTo(StoredRecord.committed(7, digest, bytes, 1000, RecordFixtures.message(1)));
    assertThat(s).isNotEqualTo(new StoredRecord(8, digest, bytes, 1000));
    assertThat(s).isNotEqualTo(new StoredRecord(7, digest, bytes, 1001));
    assertThat(s.record()).isEqualTo(RecordFixtures.message(1));
  }
}
