package dev.coffer.archive.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Encrypts staging files (a streamed blob waits in {@code <data>/tmp} until its digest, and so its
 * name, is known) under a random key that lives only in this object's memory: what a crash leaves in
 * {@code tmp/} cannot be read by anyone, and is deleted on the next open. Same chunked AES-256-GCM as
 * objects ({@link ChunkedGcm}), with the file name in the authenticated data.
 */
public final class StagingCipher {
  private final byte[] key = KeyMaterial.random(32);

  private static byte[] context(Path file) {
    return KeyMaterial.utf8("coffer/staging/1 " + file.getFileName());
  }

  /** A stream that seals what is written into {@code file} (created or truncated); close it to finish. */
  public OutputStream create(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    return new ChunkedGcm.SealingOutput(new java.io.BufferedOutputStream(raw, 1 << 16), 0, key, context(file));
  }

  /** The plaintext of a file {@link #create} wrote, authenticated chunk by chunk. */
  public InputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      byte[] header = ChunkedGcm.readHeader(file.getFileName().toString(), raw);
      return new ChunkedGcm.Opening(file.getFileName().toString(), raw, header, key, context(file));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
