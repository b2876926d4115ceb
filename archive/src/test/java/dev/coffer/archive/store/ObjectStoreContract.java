package dev.coffer.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link ObjectStore} contract as tests. Every backend's test extends this class and says how to
 * make a fresh, empty store; shipped in the test-jar so backends in other modules run it too.
 */
public abstract class ObjectStoreContract {
  @TempDir protected Path tempDir;
  protected ObjectStore store;

  /** A fresh, empty store (may live under {@code dir}). */
  protected abstract ObjectStore createStore(Path dir) throws IOException;

  @BeforeEach
  void openStore() throws IOException {
    store = createStore(tempDir);
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheBytes() throws IOException {
    store.put("a/b/c", utf8("hello"));
    assertThat(store.get("a/b/c")).isEqualTo(utf8("hello"));
    assertThat(store.exists("a/b/c")).isTrue();
    assertThat(store.size("a/b/c")).isEqualTo(5);
    try (InputStream in = store.open("a/b/c")) {
      assertThat(in.readAllBytes()).isEqualTo(utf8("hello"));
    }
  }

  @Test
  void putInOrderStoresEveryObject() throws IOException {
    java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
    objects.put("packs/p1", utf8("pack"));
    objects.put("segments/s1", new byte[70_000]);
    objects.put("checkpoints/c1", utf8("checkpoint"));
    store.putInOrder(objects);
    for (var o : objects.entrySet()) {
      assertThat(store.get(o.getKey())).isEqualTo(o.getValue());
    }
    store.putInOrder(new java.util.LinkedHashMap<>(java.util.Map.of("single", utf8("one"))));
    assertThat(store.get("single")).isEqualTo(utf8("one"));
  }

  @Test
  void putInOrderStopsAtAnExistingKeyAndCreatesNothingAfterIt() throws IOException {
    store.put("b", utf8("original"));
    java.util.SequencedMap<String, byte[]> objects = new java.util.LinkedHashMap<>();
    objects.put("a", utf8("first"));
    objects.put("b", utf8("second"));
    objects.put("c", utf8("third"));
    assertThatThrownBy(() -> store.putInOrder(objects)).isInstanceOf(ObjectExistsException.class);
    assertThat(store.get("b")).isEqualTo(utf8("original"));
    assertThat(store.exists("c")).isFalse();
    if (store.exists("a")) { // objects before the existing key may be stored, complete
      assertThat(store.get("a")).isEqualTo(utf8("first"));
    }
  }

  @Test
  void emptyObjectsAreObjects() throws IOException {
    store.put("empty", new byte[0]);
    assertThat(store.exists("empty")).isTrue();
    assertThat(store.get("empty")).isEmpty();
    assertThat(store.size("empty")).isZero();
  }

  @Test
  void streamingPutOfALargeObjectRoundTrips() throws IOException {
    byte[] big = new byte[5 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    store.put("big/one", new ByteArrayInputStream(big));
    assertThat(store.size("big/one")).isEqualTo(big.length);
    try (InputStream in = store.open("big/one")) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
  }

  @Test
  void putFromAFileLeavesTheFileAndStoresItsBytes() throws IOException {
    Path f = Files.createTempFile(tempDir, "src", ".bin");
    Files.write(f, utf8("from a file"));
    store.put("files/x", f);
    assertThat(store.get("files/x")).isEqualTo(utf8("from a file"));
    assertThat(Files.readAllBytes(f)).isEqualTo(utf8("from a file"));
  }

  @Test
  void putOfAnExistingKeyThrowsAndKeepsTheOriginal() throws IOException {
    store.put("k", utf8("first"));
    assertThatThrownBy(() -> store.put("k", utf8("second")))
        .isInstanceOf(ObjectExistsException.class)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("k");
    assertThatThrownBy(() -> store.put("k", new ByteArrayInputStream(utf8("third"))))
        .isInstanceOf(ObjectExistsException.class);
    Path f = Files.createTempFile(tempDir, "src", ".bin");
    Files.write(f, utf8("fourth"));
    assertThatThrownBy(() -> store.put("k", f)).isInstanceOf(ObjectExistsException.class);
    assertThat(store.get("k")).isEqualTo(utf8("first"));
  }

  @Test
  void missingObjectsThrowNoSuchObject() {
    assertThatThrownBy(() -> store.get("no/such")).isInstanceOf(NoSuchObjectException.class)
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no/such");
    assertThatThrownBy(() -> store.open("no/such")).isInstanceOf(NoSuchObjectException.class);
    assertThatThrownBy(() -> store.size("no/such")).isInstanceOf(NoSuchObjectException.class);
    assertThatThrownBy(() -> store.delete("no/such")).isInstanceOf(NoSuchObjectException.class);
  }

  @Test
  void aDirectoryLevelIsNotAnObject() throws IOException {
    store.put("dir/leaf", utf8("x"));
    assertThat(store.exists("dir")).isFalse();
    assertThatThrownBy(() -> store.get("dir")).isInstanceOf(NoSuchObjectException.class);
  }

  @Test
  void aKeyCannotBeBothAnObjectAndAnAncestor() throws IOException {
    store.put("p/q", utf8("x"));
    assertThatThrownBy(() -> store.put("p/q/r", utf8("y"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.put("p", utf8("y"))).isInstanceOf(IOException.class)
        .isNotInstanceOf(ObjectExistsException.class);
    assertThat(store.get("p/q")).isEqualTo(utf8("x"));
    assertThat(store.exists("p/q/r")).isFalse();
  }

  @Test
  void listReturnsKeysInKeyOrder() throws IOException {
    List<String> keys = List.of("a0", "a-x", "a/b", "a/b0/c", "a/b-1", "a.z", "b/1/2/3", "b/1/2/4", "b/10", "b/9", "c");
    for (String k : keys) {
      store.put(k, utf8(k));
    }
    try (Stream<String> all = store.list("")) {
      assertThat(all.toList()).isEqualTo(keys.stream().sorted().toList());
    }
    try (Stream<String> b = store.list("b/")) {
      assertThat(b.toList()).containsExactly("b/1/2/3", "b/1/2/4", "b/10", "b/9");
    }
    try (Stream<String> b1 = store.list("b/1")) {
      assertThat(b1.toList()).containsExactly("b/1/2/3", "b/1/2/4", "b/10");
    }
    try (Stream<String> a = store.list("a")) {
      assertThat(a).hasSize(6);
    }
    try (Stream<String> none = store.list("zz")) {
      assertThat(none).isEmpty();
    }
  }

  @Test
  void listFromAKeyResumesThere() throws IOException {
    for (int i = 0; i < 30; i++) {
      store.put(String.format("seg/%02d/%04d", i / 10, i), new byte[] {(byte) i});
    }
    try (Stream<String> s = store.list("seg/", "seg/01/0015")) {
      List<String> got = s.toList();
      assertThat(got).hasSize(15).first().isEqualTo("seg/01/0015");
      assertThat(got).isSorted();
    }
    try (Stream<String> s = store.list("seg/", "seg/01/0014x")) {
      assertThat(s.findFirst()).contains("seg/01/0015");
    }
    try (Stream<String> s = store.list("seg/", "seg/99")) {
      assertThat(s).isEmpty();
    }
    try (Stream<String> s = store.list("seg/", "a")) {
      assertThat(s).hasSize(30);
    }
  }

  @Test
  void deleteRemovesOnlyThatObject() throws IOException {
    store.put("d/1", utf8("1"));
    store.put("d/2", utf8("2"));
    store.delete("d/1");
    assertThat(store.exists("d/1")).isFalse();
    assertThat(store.get("d/2")).isEqualTo(utf8("2"));
    try (Stream<String> s = store.list("d/")) {
      assertThat(s.toList()).containsExactly("d/2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../x", "a/../b", "a/./b", ".", "/abs", "/etc/passwd", "a//b", "a/", "/",
      ".hidden", "a/.tmp", "UPPER", "a\\b", "c:/x", "a b", "a\u0000b", "é", "a/b\n"})
  void hostileKeysAreRefusedBeforeAnythingIsTouched(String key) throws IOException {
    assertThatThrownBy(() -> store.put(key, utf8("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(utf8("x")))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.exists(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    try (Stream<String> s = store.list("")) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void overlongKeysAreRefused() {
    assertThatThrownBy(() -> store.put("a".repeat(129), utf8("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put("a/".repeat(300) + "a", utf8("x"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentPutsOfOneKeyExactlyOneWins() throws Exception {
    int threads = 8;
    for (int round = 0; round < 20; round++) {
      String key = "race/" + round;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte[] mine = utf8("writer " + t);
        results.add(pool.submit(() -> {
          start.await();
          try {
            store.put(key, mine);
            return true;
          } catch (ObjectExistsException e) {
            return false;
          }
        }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get() ? 1 : 0;
      }
      pool.shutdown();
      assertThat(winners).as("round %d", round).isEqualTo(1);
      assertThat(new String(store.get(key), StandardCharsets.UTF_8)).startsWith("writer ");
    }
  }

  @Test
  void concurrentPutsOfDistinctKeysAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      tasks.add(() -> {
        for (int i = 0; i < 100; i++) {
          store.put("many/" + id + "/" + i, utf8(id + ":" + i));
        }
        return null;
      });
    }
    for (Future<Void> f : pool.invokeAll(tasks)) {
      f.get();
    }
    pool.shutdown();
    try (Stream<String> s = store.list("many/")) {
      assertThat(s).hasSize(400);
    }
    assertThat(store.get("many/3/99")).isEqualTo(utf8("3:99"));
  }
}
