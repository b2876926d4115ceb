package dev.coffer.archive.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where an archive's master keys come from. {@link #standard} is what {@code coffer} uses: the
 * environment first, then the key files in the archive's {@code keys/} directory. A KMS or HSM
 * integration supplies its own {@link MasterKey} through {@link #of}.
 */
public interface MasterKeySource {
  /** Environment variable holding a master key: the base64 of 32 random bytes. */
  String ENV_KEY = "COFFER_MASTER_KEY";
  /** Environment variable naming a master key file (the format {@link MasterKeyFile} writes). */
  String ENV_KEY_FILE = "COFFER_MASTER_KEY_FILE";

  /** The master keys available now (reading files or the environment as needed). */
  List<MasterKey> keys() throws IOException;

  /**
   * Keys given from outside the data directory (environment, configuration, a KMS). A new archive is
   * created under the first of these; when there are none, {@code Archives.create} writes a new key
   * file into the archive's {@code keys/} directory.
   */
  List<MasterKey> supplied() throws IOException;

  /** Every place keys are looked for, for an error message (never key material). */
  String where();

  /** A fixed set of keys (a KMS-backed {@link MasterKey}, tests). */
  static MasterKeySource of(MasterKey... keys) {
    List<MasterKey> list = List.of(keys);
    return new MasterKeySource() {
      @Override
      public List<MasterKey> keys() {
        return list;
      }

      @Override
      public List<MasterKey> supplied() {
        return list;
      }

      @Override
      public String where() {
        return "the keys supplied by the caller (" + list.stream().map(MasterKey::id).toList() + ")";
      }
    };
  }

  /** {@link #standard(Path, Map)} with the process environment. */
  static MasterKeySource standard(Path dataDir) {
    return standard(dataDir, System.getenv());
  }

  /**
   * {@code $COFFER_MASTER_KEY}, then the file {@code $COFFER_MASTER_KEY_FILE}, then every
   * {@code master-<id>.key} file in {@code <dataDir>/keys/}.
   */
  static MasterKeySource standard(Path dataDir, Map<String, String> env) {
    Path keysDir = dataDir.toAbsolutePath().normalize().resolve("keys");
    return new MasterKeySource() {
      @Override
      public List<MasterKey> supplied() throws IOException {
        List<MasterKey> out = new ArrayList<>();
        String key = env.get(ENV_KEY);
        if (key != null && !key.isBlank()) {
          out.add(MasterKeyFile.fromBase64(key, "$" + ENV_KEY));
        }
        String file = env.get(ENV_KEY_FILE);
        if (file != null && !file.isBlank()) {
          Path p = Path.of(file);
          if (!Files.isRegularFile(p)) {
            throw new MasterKeyException("$" + ENV_KEY_FILE + " names " + p + ", which is not a file");
          }
          out.add(MasterKeyFile.read(p));
        }
        return out;
      }

      @Override
      public List<MasterKey> keys() throws IOException {
        List<MasterKey> out = new ArrayList<>(supplied());
        if (Files.isDirectory(keysDir)) {
          try (Stream<Path> s = Files.list(keysDir)) {
            for (Path p : s.sorted().toList()) {
              if (MasterKeyFile.isKeyFileName(p.getFileName().toString())) {
                out.add(MasterKeyFile.read(p));
              }
            }
          }
        }
        return out;
      }

      @Override
      public String where() {
        return "$" + ENV_KEY + " (" + (isSet(env.get(ENV_KEY)) ? "set" : "unset") + "), $" + ENV_KEY_FILE + " ("
            + (isSet(env.get(ENV_KEY_FILE)) ? env.get(ENV_KEY_FILE) : "unset") + "), "
            + keysDir.resolve(MasterKeyFile.PREFIX + "<id>" + MasterKeyFile.SUFFIX);
      }

      private static boolean isSet(String v) {
        return v != null && !v.isBlank();
      }
    };
  }
}
