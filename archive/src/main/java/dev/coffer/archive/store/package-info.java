/**
 * The {@link dev.coffer.archive.store.ObjectStore} SPI (write-once, atomic, durable puts; its Javadoc
 * is the contract) and its backends: {@link dev.coffer.archive.store.FileObjectStore} (the embedded
 * default) and {@link dev.coffer.archive.store.MemoryObjectStore} (tests). Every backend runs the shared
 * {@code ObjectStoreContract} tests from this module's test-jar.
 */
package dev.coffer.archive.store;
