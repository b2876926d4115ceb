package dev.coffer.connectors.whatsapp.export;

/** Told how far an import is; called from the importing thread, often: keep it cheap. */
@FunctionalInterface
public interface ProgressListener {
  /** No progress reporting. */
  ProgressListener NONE = (total, done) -> { };

  /**
   * @param totalBytes the work in bytes (the chat text is read twice: both passes are counted)
   * @param bytesDone bytes processed so far
   */
  void progress(long totalBytes, long bytesDone);
}
