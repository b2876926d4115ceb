package dev.coffer.archive;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@link Archives#open} of a directory that holds no archive; the message says how to create one. */
public class NoArchiveException extends NoSuchFileException {
  private static final long serialVersionUID = 1L;

  public NoArchiveException(Path dir) {
    super(dir.toString(), null, null);
  }

  @Override
  public String getMessage() {
    return "no Coffer archive at " + getFile() + "; create one with: coffer init --data " + getFile();
  }
}
