package dev.coffer.archive.verify;

import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.crypto.MasterKeyFile;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.layout.ArchiveLock;
import dev.coffer.archive.layout.MirrorConfig;
import dev.coffer.archive.store.FileObjectStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;

/**
 * The archive directory's files for {@link VerifyRun}: what a Coffer archive holds, what verify
 * skips (derived and temporary directories), and the bytes it will read.
 */
final class FileInventory {
  private FileInventory() {}

  /**
   * Lists every file, adds up the bytes to read, and reports files no archive has. Files that vanish
   * while it walks (a running writer's temporary files, Lucene merges) are skipped.
   */
  static void walk(VerifyRun run) throws IOException {
    Files.walkFileTree(run.dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        String rel = relative(run.dir, d);
        return !rel.isEmpty() && skipped(rel) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
        String rel = relative(run.dir, p);
        if (skipped(rel) || attrs.isDirectory()) {
          return FileVisitResult.CONTINUE;
        }
        if (!expected(rel)) {
          run.problem(rel, "unexpected file: not part of a Coffer archive", null, null);
        } else if (rel.startsWith(ArchiveLayout.OBJECTS + "/" + ArchiveLayout.REWRITES)) {
          run.problem(rel, "a disposition's segment rewrite was interrupted: open the archive (any coffer command) to "
              + "finish or roll it back, then verify again", null, null);
        } else if (!rel.equals(ArchiveLock.FILE)) {
          run.total += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    run.listener.progress(0, run.total);
  }

  static String relative(Path dir, Path p) {
    return dir.relativize(p).toString().replace('\\', '/');
  }

  static boolean skipped(String rel) {
    return ((rel.startsWith(".manifest-") || rel.startsWith(".mirror-")) && rel.endsWith(".tmp") && rel.indexOf('/') < 0)
        || under(rel, ArchiveLayout.MIRROR_QUEUE) || under(rel, ArchiveLayout.SEARCH_INDEX) || under(rel, ArchiveLayout.WEB) || under(rel, ArchiveLayout.DIRECTORY)
        || under(rel, ArchiveLayout.STAGING)
        || rel.equals(ArchiveLayout.KEYS + "/" + KeyRing.TEMP_FILE)
        // a rotation's intent: present while one runs, or until the next open finishes an interrupted one
        || rel.equals(ArchiveLayout.KEYS + "/" + ArchiveLayout.KEY_ROTATION_INTENT)
        || rel.equals(ArchiveLayout.KEYS + "/" + ArchiveLayout.KEY_ROTATION_INTENT + ".tmp")
        || under(rel, ArchiveLayout.QUARANTINE) || under(rel, ArchiveLayout.OBJECTS + "/" + FileObjectStore.TEMP_DIR)
        || under(rel, ArchiveLayout.OBJECTS + "/" + ArchiveLayout.QUARANTINE);
  }

  static boolean under(String rel, String top) {
    return rel.equals(top) || rel.startsWith(top + "/");
  }

  static boolean expected(String rel) {
    if (rel.equals(ArchiveLayout.MANIFEST) || rel.equals(ArchiveLock.FILE) || rel.equals(MirrorConfig.FILE)
        || rel.equals(ArchiveLayout.KEYS + "/" + SigningKeys.PUBLIC_FILE)
        || rel.equals(ArchiveLayout.KEYS + "/" + SigningKeys.PRIVATE_FILE)
        || rel.equals(ArchiveLayout.KEYS + "/" + KeyRing.FILE)) {
      return true;
    }
    if (rel.startsWith(ArchiveLayout.KEYS + "/") && MasterKeyFile.isKeyFileName(rel.substring(ArchiveLayout.KEYS.length() + 1))) {
      return true;
    }
    if (rel.startsWith(ArchiveLayout.ID_INDEX + "/")) {
      return rel.indexOf('/', ArchiveLayout.ID_INDEX.length() + 1) < 0;
    }
    if (rel.startsWith(ArchiveLayout.OBJECTS + "/")) {
      String key = rel.substring(ArchiveLayout.OBJECTS.length() + 1);
      return ArchiveLayout.serialOfSegmentKey(key) >= 1 || ArchiveLayout.sizeOfCheckpointKey(key) >= 0
          || ArchiveLayout.nameOfBlobKey(key) != null || ArchiveLayout.serialOfRewriteKey(key) >= 1
          || ArchiveLayout.serialOfPackKey(key) >= 1;
    }
    return false;
  }
}
