package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real storage failures, made with the kernel rather than mocks: a full disk (a small tmpfs, ENOSPC)
 * a directory that turns read-only under a running writer ({@code chattr +i}, which binds root too),
 * and a read-only filesystem (a read-only bind mount). Each needs root's mount or chattr; without it
 * the test is skipped (the fault-injection tests cover the same code paths).
 * After each: the failed append surfaces as an error (never a success), the archive stops, and once
 * the storage is writable again, reopening recovers, every acknowledged record is there once, and
 * verify passes.
 */
class StorageFaultTest {
  @TempDir Path dir;

  @Test
  void aFullDiskFailsTheAppendAndLosesNothingAcknowledged() throws Exception {
    Path disk = dir.resolve("disk");
    Files.createDirectories(disk);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString()), "needs root to mount a tmpfs");
    try {
      Path data = disk.resolve("data");
      Map<String, Long> acked = new LinkedHashMap<>();
      Archive a = Archives.create(data, ArchiveOptions.defaults().withIdIndexCommitRecords(50));
      Random rnd = new Random(7);
      IOException failure = null;
      for (long n = 0; n < 1_000_000 && failure == null; n += 20) {
        List<Record> batch = RecordFixtures.messages(n, 20);
        try {
          if (n % 100 == 0) {
            byte[] blob = new byte[60_000];
            rnd.nextBytes(blob); // incompressible
            a.putBlob(blob);
          }
          for (AppendResult.Outcome o : a.append(batch).outcomes()) {
            acked.put(o.id(), o.serial());
          }
        } catch (IOException e) {
          failure = e;
        }
      }
      assertThat(failure).as("the disk never filled").isNotNull();
      assertThat(causes(failure)).contains("No space left on device");
      assertThat(acked).isNotEmpty();
      IOException lastFailure = failure;
      assertThatThrownBy(() -> {
        a.putBlob(new byte[200_000]);
        a.append(RecordFixtures.messages(5_000_000, 1));
      }).as("after %s", lastFailure).isInstanceOf(IOException.class);
      try {
        a.close();
      } catch (IOException e) {
        // closing may need the space it lacks; what is durable is what counts
      }
      assertThat(run("mount", "-o", "remount,size=64m", disk.toString())).isTrue();
      reopenAndCheck(data, acked);
    } finally {
      run("umount", "-l", disk.toString());
    }
  }

  @Test
  void aDirectoryTurningReadOnlyUnderAWriterFailsTheAppendAndRecovers() throws Exception {
    Path data = dir.resolve("data");
    Map<String, Long> acked = new LinkedHashMap<>();
    Archive a = Archives.create(data, ArchiveOptions.defaults());
    for (AppendResult.Outcome o : a.append(RecordFixtures.messages(0, 50)).outcomes()) {
      acked.put(o.id(), o.serial());
    }
    // Root ignores permission bits; the immutable attribute binds root too (a remount read-only is
    // refused while the writer holds files open for writing).
    Path tmp = data.resolve("objects").resolve(".tmp");
    assumeTrue(run("chattr", "+i", tmp.toString()), "needs chattr on this filesystem");
    try {
      assertThatThrownBy(() -> a.append(RecordFixtures.messages(50, 50)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("append not acknowledged")
          .satisfies(e -> assertThat(causes(e)).contains("Operation not permitted"));
      assertThatThrownBy(() -> a.append(RecordFixtures.messages(100, 1))).hasMessageContaining("reopen it to recover");
      a.close();
    } finally {
      run("chattr", "-i", tmp.toString());
    }
    reopenAndCheck(data, acked);
  }

  @Test
  void aReadOnlyFilesystemRefusesTheWriterClearlyAndVerifyStillReads() throws Exception {
    Path real = dir.resolve("real");
    Path mounted = dir.resolve("mounted");
    Files.createDirectories(mounted);
    try (Archive a = Archives.create(real.resolve("data"), ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 20));
    }
    assumeTrue(run("mount", "--bind", real.toString(), mounted.toString()), "needs root to bind-mount");
    try {
      assertThat(run("mount", "-o", "remount,ro,bind", mounted.toString())).isTrue();
      Path data = mounted.resolve("data");
      assertThatThrownBy(() -> Archives.open(data, ArchiveOptions.defaults()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("read-only");
      assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
    } finally {
      run("umount", "-l", mounted.toString());
    }
    try (Archive a = Archives.open(real.resolve("data"), ArchiveOptions.defaults())) {
      assertThat(a.size()).isEqualTo(20); // the refused open changed nothing and recorded no recovery
    }
  }

  private static void reopenAndCheck(Path data, Map<String, Long> acked) throws IOException {
    try (Archive b = Archives.open(data, ArchiveOptions.defaults())) {
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        assertThat(b.get(e.getKey())).as(e.getKey()).hasValueSatisfying(s -> assertThat(s.serial()).isEqualTo(e.getValue()));
      }
      long[] next = {1};
      b.scan(1, r -> r.serial() == next[0]++);
      assertThat(next[0] - 1).isEqualTo(b.size());
      long before = b.size();
      assertThat(b.append(RecordFixtures.messages(9_000_000, 3)).outcomes().get(0).serial()).isEqualTo(before + 1);
    }
    assertThat(Verifier.verify(data, VerifyListener.NONE).problems()).isEmpty();
  }

  private static String causes(Throwable t) {
    List<String> out = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.add(String.valueOf(c.getMessage()));
      for (Throwable s : c.getSuppressed()) {
        out.add(String.valueOf(s.getMessage()));
      }
    }
    return String.join(" | ", out);
  }

  private static boolean run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
