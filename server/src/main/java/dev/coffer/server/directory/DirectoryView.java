package dev.coffer.server.directory;

import dev.coffer.archive.Archive;
import dev.coffer.archive.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The running server's directory: the latest imported version (employees), re-read whenever
 * {@code <data>/directory/current} names another version (an import through the server, see
 * {@link DirectoryInbox}), joined with the external contacts of a {@link ContactBook} the server keeps
 * in step with what it archives. Thread-safe; {@link #current()} costs one small file read when
 * nothing changed.
 */
public final class DirectoryView {
  private final Archive archive;
  private final Path dataDir;
  private final ContactBook contacts = new ContactBook();
  private String loadedDigest;
  private Directory loaded = Directory.empty();
  private boolean everLoaded;

  public DirectoryView(Archive archive, Path dataDir) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
  }

  /** The contact book the server feeds (contact-sync changes, once durable). */
  public ContactBook contacts() {
    return contacts;
  }

  /** The digest of the employee directory in force (null before any import). */
  public String version() throws IOException {
    return DirectoryStore.latestDigest(dataDir);
  }

  /**
   * The directory in force now: the latest imported version, re-read if the pointer moved since the
   * last call, with the contacts known now.
   */
  public Directory current() throws IOException {
    String digest = DirectoryStore.latestDigest(dataDir);
    Directory employees;
    synchronized (this) {
      if (!everLoaded || !Objects.equals(digest, loadedDigest)) {
        loaded = DirectoryStore.load(archive, dataDir);
        loadedDigest = digest;
        everLoaded = true;
      }
      employees = loaded;
    }
    return employees.withContacts(contacts.contacts());
  }

  /**
   * Rebuilds the contact book from the archive (one pass over every record); changes applied
   * meanwhile are kept (each change counts once).
   *
   * @return how many contact-book changes the archive holds
   */
  public int rebuildContacts() throws IOException {
    int[] n = {0};
    archive.scan(1, (StoredRecord sr) -> {
      if (dev.coffer.connectors.whatsapp.cloud.ContactSync.of(sr.record()).isPresent()) {
        contacts.accept(sr.record());
        n[0]++;
      }
      return true;
    });
    return n[0];
  }
}
