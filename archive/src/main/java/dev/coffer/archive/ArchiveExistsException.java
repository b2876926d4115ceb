package dev.coffer.archive;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/** {@link Archives#create} where an archive (or part of one) already is: nothing was changed. */
public class ArchiveExistsException extends FileAlreadyExistsException {
  private static final long serialVersionUID = 1L;

  public ArchiveExistsException(Path dir, String what) {
    super(dir.toString(), null, what);
  }

  @Override
  public String getMessage() {
    return "a Coffer archive already exists at " + getFile() + " (" + getReason() + "); open it instead";
  }
}
