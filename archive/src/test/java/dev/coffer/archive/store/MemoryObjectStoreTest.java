package dev.coffer.archive.store;

import java.nio.file.Path;

class MemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore createStore(Path dir) {
    return new MemoryObjectStore();
  }
}
