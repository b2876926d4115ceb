package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.store.FaultInjectingObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * For every N, the N-th write fails (three ways); appends stop; the archive is reopened and must hold
 * every acknowledged record at its serial, with no gaps, verify clean, and take new appends.
 */
class FaultInjectionTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(FaultInjectingObjectStore.Mode.class)
  void everyWriteFailurePointRecovers(FaultInjectingObjectStore.Mode mode) throws IOException {
    for (int failAt = 1; failAt <= 20; failAt++) {
      runOnce(dir.resolve(mode + "-" + failAt), failAt, mode, failAt % 2 == 0);
    }
  }

  private void runOnce(Path data, int failAt, FaultInjectingObjectStore.Mode mode, boolean crashInsteadOfClose)
      throws IOException {
    Archives.create(data, ArchiveOptions.defaults()).close();
    FaultInjectingObjectStore[] faulty = new FaultInjectingObjectStore[1];
    Archive a = Archives.open(data, ArchiveOptions.defaults().withMaxCommitRecords(7),
        s -> faulty[0] = new FaultInjectingObjectStore(s, failAt, mode));
    Map<String, Long> acknowledged = new LinkedHashMap<>();
    List<String> blobs = new ArrayList<>();
    boolean failed = false;
    for (int batch = 0; batch < 100 && !failed; batch++) {
      // overlapping batches: each repeats 3 records of the one before
      List<Record> records = RecordFixtures.messages(batch * 10L - (batch == 0 ? 0 : 3), batch == 0 ? 10 : 13);
      try {
        if (batch % 3 == 1) {
          blobs.add(a.putBlob(("raw original " + batch).getBytes(StandardCharsets.UTF_8)));
        }
        AppendResult r = a.append(records);
        for (AppendResult.Outcome o : r.outcomes()) {
          Long before = acknowledged.putIfAbsent(o.id(), o.serial());
          assertThat(before == null ? o.serial() : before).isEqualTo(o.serial());
        }
      } catch (IOException e) {
        failed = true;
      }
    }
    assertThat(failed).as("write %d never failed", failAt).isTrue();
    // A failed commit stops the archive; a failed blob write does not, but the store keeps failing.
    assertThatThrownBy(() -> a.append(RecordFixtures.messages(5000, 1))).isInstanceOf(IOException.class);
    if (crashInsteadOfClose) {
      ((SegmentedArchive) a).crashForTest();
    } else {
      a.close();
    }

    try (Archive b = Archives.open(data, ArchiveOptions.defaults())) {
      for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
        assertThat(b.get(e.getKey())).as("acknowledged %s (fail at %d, %s)", e.getKey(), failAt, mode)
            .hasValueSatisfying(s -> assertThat(s.serial()).isEqualTo(e.getValue()));
      }
      for (String h : blobs) {
        assertThat(b.hasBlob(h)).isTrue();
      }
      long[] expected = {1};
      b.scan(1, r -> r.serial() == expected[0]++);
      assertThat(expected[0] - 1).isEqualTo(b.size());
      assertThat(b.latestCheckpoint().size()).isEqualTo(b.size());
      long before = b.size();
      AppendResult more = b.append(RecordFixtures.messages(100_000, 5));
      assertThat(more.outcomes().get(0).serial()).isEqualTo(before + 1);
    }
    VerifyReport report = Verifier.verify(data, VerifyListener.NONE);
    assertThat(report.problems()).as("fail at %d, %s", failAt, mode).isEmpty();
  }
}
