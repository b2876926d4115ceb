package dev.coffer.archive.verify;

/** Told how far {@link Verifier#verify} is, so a CLI can draw a progress bar; called on the verifying thread. */
public interface VerifyListener {
  /** Does nothing. */
  VerifyListener NONE = (read, total) -> {};

  /**
   * Bytes read so far out of the total to read (the total is known after a quick listing and does not
   * change; {@code read} never decreases and ends equal to {@code total} unless files vanished).
   */
  void progress(long bytesRead, long totalBytes);

  /** A problem, as soon as it is found (the report lists it too). */
  default void problem(Problem problem) {}
}
