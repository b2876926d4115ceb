package dev.coffer.archive.store;

import java.nio.file.FileAlreadyExistsException;

/** {@link ObjectStore#put} of a key that already exists: nothing was changed. */
public class ObjectExistsException extends FileAlreadyExistsException {
  private static final long serialVersionUID = 1L;

  public ObjectExistsException(String key) {
    super(key, null, "object already exists (objects are write-once)");
  }
}
