package dev.coffer.archive.layout;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opening an archive for writing while another process (or another open archive in this process) has
 * it open: refused, nothing touched. The message names the holder as its lock file records it.
 */
public class ArchiveInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path dataDir;
  private final String holder;

  public ArchiveInUseException(Path dataDir, String holder) {
    super("the archive at " + dataDir + " is open for writing by another process"
        + (holder == null || holder.isEmpty() ? "" : " (" + holder + ")")
        + "; only one process may write to an archive at a time: stop the other one first"
        + " (read-only commands such as coffer verify may run beside it)");
    this.dataDir = dataDir;
    this.holder = holder;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** What the lock file says about the holder ("open pid=… host=… since=…"), possibly empty. */
  public String holder() {
    return holder;
  }
}
