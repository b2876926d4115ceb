package dev.coffer.archive.verify;

import dev.coffer.archive.Archives;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.layout.ArchiveLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Re-reads an archive's data directory from scratch, independent of any running archive's memory, and
 * reports precisely what is wrong: which file, what, expected vs actual. One flipped byte anywhere in
 * the directory is found and named (the search module's {@code index/} has its own check; the
 * temporary directories {@code tmp/} and {@code objects/.tmp/} hold no archive data).
 *
 * <p>What it checks:
 * <ul>
 *   <li>every file is something an archive holds (anything else is reported);
 *   <li>the manifest's exact form and checksum; both key files' exact form; that the private key
 *       belongs to the public key; that the manifest names that public key;
 *   <li>every segment: CRC, header, structure, that its key names its first serial; serial continuity
 *       from 1 (gaps and overlaps reported); every record's digest recomputed from its canonical
 *       bytes; that the id kept beside the record is the record's JSON id;
 *   <li>the Merkle tree recomputed from the digests and compared with every checkpoint at its size;
 *       every checkpoint's CRC, form, signature, archive id, stored frontier; records not covered by
 *       any checkpoint;
 *   <li>encryption: the keyring's form and checksum, every master key file's, and that the master key
 *       the keyring names is available and unwraps every data key (a missing or wrong key is one
 *       problem naming where the key was looked for; nothing sealed can be checked then); every
 *       object is decrypted and authenticated, so a changed ciphertext byte or an object moved to
 *       another key is named;
 *   <li>every blob decoded and rehashed, and its name recomputed from the plaintext's digest;
 *   <li>the derived id index: each file's Lucene checksum, that its last commit opens, and that it maps
 *       every record's id to its serial ("derived index damaged, run coffer reindex"): {@link IdIndexCheck}.
 * </ul>
 * Reads are sequential and whole-object, so verify runs at close to disk or SHA-256 speed.
 *
 * <p>Beside a running writer (one holds the {@link ArchiveLock}), verify changes nothing and checks a
 * consistent prefix: the records up to the largest signed checkpoint it lists when it starts (every
 * segment below a checkpoint is durable before it), every blob, the manifest and keys; it skips the
 * derived id index, which the writer is changing, and says so in {@link VerifyReport#concurrentWriter()}.
 */
public final class Verifier {
  static final String REINDEX = "derived index damaged, run coffer reindex";

  private Verifier() {}

  /**
   * Verifies the archive in {@code dataDir}.
   *
   * @throws NoArchiveException if there is no archive there
   * @throws IOException only if the directory cannot be read at all; damage is reported, not thrown
   */
  public static VerifyReport verify(Path dataDir, VerifyListener progress) throws IOException {
    return verify(dataDir, progress, MasterKeySource.standard(dataDir));
  }

  /** {@link #verify(Path, VerifyListener)} with the master keys from {@code masterKeys}. */
  public static VerifyReport verify(Path dataDir, VerifyListener progress, MasterKeySource masterKeys) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    VerifyRun run = new VerifyRun(dir, progress == null ? VerifyListener.NONE : progress, masterKeys);
    try {
      run.all();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return run.report();
  }

}
