package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveInUseException;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.archive.verify.VerifyReport;
import dev.coffer.model.Audit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per data directory: a second process is refused with a clear message; verify may run beside it. */
class ArchiveLockTest {
  @TempDir Path dir;

  @Test
  void aSecondProcessIsRefusedAndVerifyRunsBesideTheWriter() throws Exception {
    Path data = dir.resolve("data");
    Archives.create(data, ArchiveOptions.defaults()).close();
    RandomKillTest.Child writer = RandomKillTest.Child.start(data, 0, 1);
    writer.go();
    writer.awaitFirstAck();
    long pid = writer.process.pid();

    assertThatThrownBy(() -> Archives.open(data, ArchiveOptions.defaults()))
        .isInstanceOf(ArchiveInUseException.class)
        .hasMessageContaining("is open for writing by another process")
        .hasMessageContaining("pid=" + pid)
        .hasMessageContaining("only one process may write");
    assertThat(ArchiveLock.writer(data)).contains("pid=" + pid);

    VerifyReport beside = Verifier.verify(data, VerifyListener.NONE);
    assertThat(beside.problems()).isEmpty();
    assertThat(beside.concurrentWriter()).contains("pid=" + pid);
    assertThat(beside.records()).isPositive();

    writer.kill();
    assertThat(ArchiveLock.writer(data)).isNull();
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      // the refused attempt changed nothing; the kill is recovered from and audited
      Audit recovery = (Audit) a.get(a.size()).orElseThrow().record();
      assertThat(recovery.action()).isEqualTo("recover");
      assertThat(recovery.detail()).containsKey("previous_shutdown");
      for (String[] ack : writer.acks()) {
        assertThat(a.get(ack[0])).hasValueSatisfying(s -> assertThat(s.serial()).isEqualTo(Long.parseLong(ack[1])));
      }
      // a second open in the same process is refused too
      assertThatThrownBy(() -> Archives.open(data, ArchiveOptions.defaults())).isInstanceOf(ArchiveInUseException.class);
    }
    assertThat(Files.readString(data.resolve(ArchiveLock.FILE), StandardCharsets.UTF_8)).startsWith("closed pid=");
    VerifyReport after = Verifier.verify(data, VerifyListener.NONE);
    assertThat(after.problems()).isEmpty();
    assertThat(after.concurrentWriter()).isNull();
  }

  @Test
  void aCleanCloseRecordsNoRecovery() throws Exception {
    Path data = dir.resolve("clean");
    try (Archive a = Archives.create(data, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 10));
    }
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(a.size()).isEqualTo(10);
    }
  }

  @Test
  void aCrashIsRecoveredWithAnAuditRecordNamingWhatWasRepaired() throws Exception {
    Path data = dir.resolve("crashed");
    Archive a = Archives.create(data, ArchiveOptions.defaults());
    a.append(RecordFixtures.messages(0, 10));
    Files.write(data.resolve("objects/.tmp/put-1.tmp"), new byte[100]); // an interrupted write's leftover
    ((SegmentedArchive) a).crashForTest();
    try (Archive b = Archives.open(data, ArchiveOptions.defaults())) {
      assertThat(b.size()).isEqualTo(11);
      Audit audit = (Audit) b.get(11).orElseThrow().record();
      assertThat(audit.action()).isEqualTo("recover");
      assertThat(audit.sender().handle()).isEqualTo("coffer:archive");
      assertThat(audit.detail()).containsEntry("discarded_temporary_files", "1 in objects/.tmp (100 bytes, never acknowledged)")
          .containsKey("id_index_caught_up").containsEntry("records_after_recovery", "10");
      List<String> left = new ArrayList<>();
      try (var s = Files.list(data.resolve("objects/.tmp"))) {
        s.forEach(p -> left.add(p.toString()));
      }
      assertThat(left).isEmpty();
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
  }
}
