package dev.coffer.archive.verify;

import dev.coffer.archive.crypto.EncryptedDirectory;
import dev.coffer.archive.idindex.IdIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * The structural half of verifying the derived id index: every file of the last commit passes its
 * Lucene checksum (a damaged file is named) and the commit opens. The content half (every record's
 * id maps to its serial) is done by {@link Verifier} against the segments.
 *
 * <p>Why not Lucene's {@code CheckIndex}: it decodes every posting again and cost more than
 * re-hashing the whole archive. Each file's CRC-32 footer ({@link CodecUtil#checksumEntireFile})
 * already catches a changed byte anywhere in the file, and the id→serial comparison reads every
 * term and posting the index answers lookups from; damage that survives both would have to be
 * written by Lucene itself with a valid checksum, and the index is derived state that {@code coffer
 * reindex} rebuilds.
 */
final class IdIndexCheck {
  private static final String DIR = dev.coffer.archive.layout.ArchiveLayout.ID_INDEX;

  private IdIndexCheck() {}

  /** Where problems and progress go. */
  interface Sink {
    void problem(String object, String what, String expected, String actual);

    void advance(long bytes);
  }

  /** A structurally sound index: a reader on its last commit and the serial that commit covers. */
  record Opened(DirectoryReader reader, long covered) {}

  /**
   * The serial the index's last commit says it covers, read from that commit alone (one small file),
   * or -1 if there is no index or its commit does not read: then {@link #open} reports why.
   */
  static long covered(Path path, dev.coffer.archive.crypto.Encryption encryption) {
    if (!Files.isDirectory(path)) {
      return -1;
    }
    try (Directory d = encryption.wrap(FSDirectory.open(path), dev.coffer.archive.crypto.Encryption.ID_INDEX)) {
      String v = SegmentInfos.readLatestCommit(d).getUserData().get(IdIndex.COVERED);
      return v == null ? -1 : Long.parseLong(v);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Checks the index at {@code path}; returns it opened if it is sound, null if absent or damaged. */
  static Opened open(Path path, dev.coffer.archive.crypto.Encryption encryption, Sink sink) throws IOException {
    if (!Files.isDirectory(path)) {
      return null; // absent derived state is rebuilt on the next open; nothing is damaged
    }
    Directory d = encryption.wrap(FSDirectory.open(path), dev.coffer.archive.crypto.Encryption.ID_INDEX);
    boolean keep = false;
    try {
      String[] files = d.listAll();
      String segmentsFile = SegmentInfos.getLastCommitSegmentsFileName(files);
      if (segmentsFile == null) {
        // Never committed: whatever is here is a writer's work in progress (an import killed
        // before the first id-index commit leaves such files). As with files outside the last
        // commit below, it is not part of what verify checks; the next open discards it and
        // rebuilds the index from the segments.
        for (String f : files) {
          sink.advance(sizeOfQuiet(path, f));
        }
        return null;
      }
      SegmentInfos infos;
      try {
        infos = SegmentInfos.readCommit(d, segmentsFile);
      } catch (IOException | RuntimeException e) {
        // The commit reads other files too (.si); name the damaged file, not just the commit.
        boolean named = false;
        for (String f : files) {
          if (!f.equals("write.lock") && !checksumOk(d, f)) {
            sink.problem(DIR + "/" + f, Verifier.REINDEX + ": Lucene checksum or MAC mismatch", null, null);
            named = true;
          }
        }
        if (!named) {
          sink.problem(DIR + "/" + segmentsFile, Verifier.REINDEX + ": " + e.getMessage(), null, null);
        }
        return null;
      }
      boolean filesOk = true;
      for (String f : infos.files(true)) {
        long length = sizeOfQuiet(path, f);
        try (IndexInput in = d.openInput(f, IOContext.READONCE)) {
          CodecUtil.checksumEntireFile(in);
        } catch (IOException | RuntimeException e) {
          filesOk = false;
          sink.problem(DIR + "/" + f, Verifier.REINDEX + ": " + e.getMessage(), null, null);
        }
        sink.advance(length);
      }
      for (String f : files) {
        if (!f.equals("write.lock") && !infos.files(true).contains(f) && !f.startsWith(IndexFileNames.SEGMENTS)
            && !f.startsWith(IndexFileNames.PENDING_SEGMENTS)) {
          // Not in the last commit: a running writer's work in progress; not part of what verify checks.
          sink.advance(sizeOfQuiet(path, f));
        }
      }
      // Lucene's CRC cannot tell a deliberate change of CTR ciphertext (it is linear); the MAC can.
      for (Map.Entry<String, String> bad : EncryptedDirectory.authenticateCommit(d).entrySet()) {
        filesOk = false;
        sink.problem(DIR + "/" + bad.getKey(), Verifier.REINDEX + ": " + bad.getValue(), null, null);
      }
      if (!filesOk) {
        return null;
      }
      DirectoryReader reader;
      try {
        reader = DirectoryReader.open(d);
      } catch (IOException | RuntimeException e) {
        sink.problem(DIR + "/" + segmentsFile, Verifier.REINDEX + ": " + e.getMessage(), null, null);
        return null;
      }
      long covered = IdIndex.committedCoverage(reader);
      if (covered < 0) {
        sink.problem(DIR + "/" + segmentsFile, Verifier.REINDEX + ": commit does not say which serial it covers", null, null);
        reader.close();
        return null;
      }
      keep = true;
      return new Opened(reader, covered);
    } finally {
      if (!keep) {
        d.close();
      }
    }
  }

  private static boolean checksumOk(Directory d, String f) {
    try (IndexInput in = d.openInput(f, IOContext.READONCE)) {
      CodecUtil.checksumEntireFile(in);
      if (d instanceof EncryptedDirectory e) {
        e.authenticate(f); // a flip in the MAC trailer, or a forged CRC, fails only here
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The file's size on disk (an encrypted index's files are longer than Lucene's view of them). */
  private static long sizeOfQuiet(Path dir, String f) {
    try {
      return Files.size(dir.resolve(f));
    } catch (IOException e) {
      return 0;
    }
  }
}
