package dev.coffer.archive.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore createStore(Path dir) throws IOException {
    return new FileObjectStore(dir.resolve("objects"));
  }

  @Test
  void keysAreNestedFilesAndNoTemporaryFileRemains() throws IOException {
    store.put("x/y/z", new byte[] {1, 2, 3});
    Path root = ((FileObjectStore) store).root();
    assertThat(Files.readAllBytes(root.resolve("x/y/z"))).containsExactly(1, 2, 3);
    try (Stream<Path> tmp = Files.list(root.resolve(FileObjectStore.TEMP_DIR))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void reopeningRemovesStaleTemporaryFilesAndKeepsObjects() throws IOException {
    store.put("kept", new byte[] {9});
    Path root = ((FileObjectStore) store).root();
    Path stale = root.resolve(FileObjectStore.TEMP_DIR).resolve("put-123.tmp");
    Files.write(stale, new byte[] {1, 2});
    FileObjectStore reopened = new FileObjectStore(root);
    assertThat(Files.exists(stale)).isFalse();
    assertThat(reopened.get("kept")).containsExactly(9);
    try (Stream<String> s = reopened.list("")) {
      assertThat(s.toList()).containsExactly("kept");
    }
  }

  @Test
  void listSkipsFilesThatAreNotKeys() throws IOException {
    store.put("ok/1", new byte[] {1});
    Path root = ((FileObjectStore) store).root();
    Files.write(root.resolve("ok/NOT A KEY"), new byte[] {1});
    try (Stream<String> s = store.list("")) {
      assertThat(s.toList()).containsExactly("ok/1");
    }
  }
}
