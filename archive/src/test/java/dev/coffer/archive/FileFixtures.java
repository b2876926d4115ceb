package dev.coffer.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree helpers for tests. */
public final class FileFixtures {
  private FileFixtures() {}

  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** The object key of a blob in the (closed or open) archive at {@code dataDir}. */
  public static String blobKeyIn(java.nio.file.Path dataDir, String sha256) throws java.io.IOException {
    return dev.coffer.archive.layout.ArchiveLayout.blobKeyOfName(Archives.encryption(dataDir, dev.coffer.archive.crypto.MasterKeySource.standard(dataDir))
        .blobNames().nameOf(sha256));
  }

}
