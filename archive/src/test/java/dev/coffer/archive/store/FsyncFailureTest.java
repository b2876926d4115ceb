package dev.coffer.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsync errors at each of the calls that make a put durable (the file's data, then its directory):
 * the put fails with the error, no object is left under the key, no temporary file stays, and a later
 * put of the same key succeeds once fsync works again.
 */
class FsyncFailureTest {
  @TempDir Path dir;

  /** Fails the {@code failAt}-th fsync (1-based), like EIO from a failing disk. */
  static final class FailingFsync implements FileObjectStore.Fsync {
    final AtomicInteger calls = new AtomicInteger();
    volatile int failAt;

    FailingFsync(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public void force(FileChannel channel, boolean metadata) throws IOException {
      if (calls.incrementAndGet() == failAt) {
        throw new IOException("Input/output error (injected fsync failure)");
      }
      channel.force(metadata);
    }
  }

  @Test
  void aFailedFsyncFailsThePutAndLeavesNoObject() throws IOException {
    // A put into new directories fsyncs: each created directory's parent, the file, the final directory.
    for (int failAt = 1; failAt <= 6; failAt++) {
      Path root = dir.resolve("store-" + failAt);
      FailingFsync fsync = new FailingFsync(failAt);
      FileObjectStore store = new FileObjectStore(root, fsync);
      String key = "segments/000000000000/0000/00000000000000000001.seg";
      boolean failed;
      try {
        if (failAt % 2 == 0) {
          store.put(key, new byte[] {1, 2, 3});
        } else {
          store.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}));
        }
        failed = false;
      } catch (IOException e) {
        failed = true;
        assertThat(e).hasMessageContaining("Input/output error");
      }
      if (failAt > fsync.calls.get()) {
        assertThat(failed).isFalse();
        continue;
      }
      assertThat(failed).as("fsync %d failed but the put succeeded", failAt).isTrue();
      assertThat(store.exists(key)).as("fsync %d: a failed put left an object", failAt).isFalse();
      try (Stream<Path> tmp = Files.list(root.resolve(FileObjectStore.TEMP_DIR))) {
        assertThat(tmp).isEmpty();
      }
      fsync.failAt = -1;
      store.put(key, new byte[] {1, 2, 3});
      assertThat(store.get(key)).containsExactly(1, 2, 3);
      assertThatThrownBy(() -> store.put(key, new byte[] {4})).isInstanceOf(ObjectExistsException.class);
    }
  }
}
