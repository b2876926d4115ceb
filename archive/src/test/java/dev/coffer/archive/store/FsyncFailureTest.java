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
      boolean failed = failsWithIoError(failAt % 2 == 0
          ? () -> store.put(key, new byte[] {1, 2, 3})
          : () -> store.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3})));
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

  @Test
  void aFailedFsyncInPutInOrderLeavesAPrefixOfTheObjects() throws IOException {
    String[] keys = {"packs/000000000000/0000/00000000000000000001.pack",
        "segments/000000000000/0000/00000000000000000001.seg",
        "checkpoints/000000000000/0000/00000000000000000001.ckpt"};
    for (int failAt = 1; ; failAt++) {
      Path root = dir.resolve("ordered-" + failAt);
      FailingFsync fsync = new FailingFsync(failAt);
      FileObjectStore store = new FileObjectStore(root, fsync);
      java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
      for (int i = 0; i < keys.length; i++) {
        objects.put(keys[i], new byte[] {(byte) i, 1, 2});
      }
      boolean failed = failsWithIoError(() -> store.putInOrder(objects));
      if (failAt > fsync.calls.get()) {
        assertThat(failed).isFalse();
        for (String k : keys) {
          assertThat(store.exists(k)).isTrue();
        }
        assertThat(failAt).as("every sync of the three puts was failed once").isGreaterThan(9);
        return;
      }
      assertThat(failed).as("fsync %d failed but putInOrder succeeded", failAt).isTrue();
      int stored = 0;
      while (stored < keys.length && store.exists(keys[stored])) {
        stored++;
      }
      for (int i = stored; i < keys.length; i++) {
        assertThat(store.exists(keys[i])).as("fsync %d: %s stored after a missing object", failAt, keys[i]).isFalse();
      }
      assertThat(stored).as("fsync %d: not every object may be stored after a failure", failAt).isLessThan(keys.length);
      try (Stream<Path> tmp = Files.list(root.resolve(FileObjectStore.TEMP_DIR))) {
        assertThat(tmp).isEmpty();
      }
    }
  }

  @Test
  void putInOrderPublishesEachNameOnlyAfterThePreviousDirectoryIsSynced() throws IOException {
    Path root = dir.resolve("order");
    String[] keys = {"packs/p", "segments/s", "checkpoints/c"};
    java.util.List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    FileObjectStore[] holder = new FileObjectStore[1];
    FileObjectStore store = new FileObjectStore(root, (channel, metadata) -> {
      if (metadata && holder[0] != null) { // a directory's fsync: which objects exist at that moment
        StringBuilder seen = new StringBuilder();
        for (String k : keys) {
          seen.append(holder[0].exists(k) ? '1' : '0');
        }
        events.add(seen.toString());
      }
      channel.force(metadata);
    });
    for (String d : new String[] {"packs/x", "segments/x", "checkpoints/x"}) {
      store.put(d, new byte[] {0}); // the directories exist, so only the publishing fsyncs are seen
    }
    holder[0] = store;
    java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
    for (String k : keys) {
      objects.put(k, new byte[] {9});
    }
    store.putInOrder(objects);
    assertThat(events).containsExactly("100", "110", "111");
  }

  @Test
  void anErrorInAnyWriteOfPutInOrderPublishesNothing() throws IOException {
    String[] keys = {"packs/p", "segments/s", "checkpoints/c"};
    for (int failAt = 1; failAt <= 3; failAt++) { // the three data syncs, on whichever threads they run
      Path root = dir.resolve("error-" + failAt);
      AtomicInteger calls = new AtomicInteger(Integer.MIN_VALUE); // armed once the directories exist
      int fail = failAt;
      FileObjectStore store = new FileObjectStore(root, (channel, metadata) -> {
        if (calls.incrementAndGet() == fail) {
          throw new AssertionError("injected error in a write");
        }
        channel.force(metadata);
      });
      for (String d : new String[] {"packs/x", "segments/x", "checkpoints/x"}) {
        store.put(d, new byte[] {0});
      }
      calls.set(0);
      java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
      for (String k : keys) {
        objects.put(k, new byte[] {7});
      }
      assertThatThrownBy(() -> store.putInOrder(objects)).hasStackTraceContaining("injected error in a write");
      for (String k : keys) {
        assertThat(store.exists(k)).as("error at sync %d: %s published", failAt, k).isFalse();
      }
      try (Stream<Path> tmp = Files.list(root.resolve(FileObjectStore.TEMP_DIR))) {
        assertThat(tmp).isEmpty();
      }
      assertThat(calls.get()).as("the three data syncs were attempted before anything was published").isEqualTo(3);
    }
  }

  /** A store call under test. */
  private interface StoreCall {
    void run() throws IOException;
  }

  /** True if {@code call} failed with the injected fsync error; false if it succeeded. */
  private static boolean failsWithIoError(StoreCall call) {
    try {
      call.run();
      return false;
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("Input/output error");
      return true;
    }
  }
}
