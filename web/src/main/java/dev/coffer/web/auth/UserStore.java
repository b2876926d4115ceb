package dev.coffer.web.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.MasterKeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The web app's local users, kept in the data directory's {@code web/} (a directory the archive's
 * verifier leaves alone; created owner-only).
 *
 * <p>The file holds user names, password hashes and TOTP secrets. In an encrypted archive it is
 * {@code web/users.sealed}, sealed with the archive's keys ({@link Encryption#sealFile}: AES-256-GCM
 * under the current data key, archive id and file name authenticated), so without the master key
 * nothing in it can be read; a plaintext {@code web/users.json} left by an earlier Coffer is
 * migrated on the first open (sealed copy written durably, then the plaintext deleted). In an
 * archive created without encryption it stays {@code web/users.json}. Either way it is owner-only
 * ({@code 0600}, tightened on open) and replaced atomically ({@link SealedFile}).
 *
 * <p>Plaintext format: {@code {"format":"coffer-users/1","users":[User...]}} (Jackson's record form).
 *
 * <p>Thread-safe: every change is a read-modify-write under this store's lock, and the process keeps
 * the only writer (one server per data directory).
 */
public final class UserStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserStore.class);
  /** The plaintext file's name inside {@link #DIR} (archives without encryption; migrated otherwise). */
  public static final String FILE = "users.json";
  /** The sealed file's name inside {@link #DIR} (encrypted archives). */
  public static final String SEALED_FILE = "users.sealed";
  /** The web app's directory inside the data directory. */
  public static final String DIR = "web";
  static final String FORMAT = "coffer-users/1";
  /** The name authenticated with the sealed content. */
  static final String SEALED_NAME = "web/users";

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final SealedFile file;
  private final Passwords passwords;
  private final Clock clock;
  private final Map<String, User> users = new LinkedHashMap<>();

  private UserStore(SealedFile file, Passwords passwords, Clock clock) {
    this.file = file;
    this.passwords = passwords;
    this.clock = clock;
  }

  /**
   * Opens (or starts empty) the user database of a data directory, sealed with the keys of the
   * archive there ({@link Archives#encryption}: the master key from the key file or the environment);
   * a directory without an archive gets a plaintext store.
   */
  public static UserStore open(Path dataDir, Passwords passwords, Clock clock) throws IOException {
    Encryption encryption = Archives.exists(dataDir)
        ? Archives.encryption(dataDir, MasterKeySource.standard(dataDir))
        : Encryption.none();
    return open(dataDir, encryption, passwords, clock);
  }

  /** Opens the user database of a data directory with the archive's {@code encryption} (an open archive's). */
  public static UserStore open(Path dataDir, Encryption encryption, Passwords passwords, Clock clock) throws IOException {
    Path dir = dataDir.resolve(DIR);
    Path plain = dir.resolve(FILE);
    UserStore s = new UserStore(new SealedFile(encryption.enabled() ? dir.resolve(SEALED_FILE) : plain,
        encryption, SEALED_NAME), passwords, clock);
    s.load();
    if (encryption.enabled() && Files.exists(plain)) {
      s.migrate(plain);
    }
    return s;
  }

  /** The file the users are kept in. */
  public Path path() {
    return file.path();
  }

  private void migrate(Path plain) throws IOException {
    if (!users.isEmpty()) {
      throw new IOException(plain + " and " + file.path() + " both exist: remove the one that is not current");
    }
    SealedFile.restrict(plain);
    for (User u : parse(Files.readAllBytes(plain), plain)) {
      users.put(u.name(), u);
    }
    write();
    Files.delete(plain);
    SealedFile.syncDirectory(plain.getParent());
    LOG.info("user database migrated to {} (sealed with the archive's keys); the plaintext file is deleted", file.path());
  }

  /** The password hasher this store uses. */
  public Passwords passwords() {
    return passwords;
  }

  private void load() throws IOException {
    byte[] bytes = file.read();
    if (bytes == null) {
      return;
    }
    for (User u : parse(bytes, file.path())) {
      users.put(u.name(), u);
    }
  }

  private static List<User> parse(byte[] bytes, Path from) throws IOException {
    Stored stored;
    try {
      stored = JSON.readValue(bytes, Stored.class);
    } catch (IOException e) {
      throw new IOException(from + " is not a readable user database: " + e.getClass().getSimpleName(), e);
    }
    if (!FORMAT.equals(stored.format())) {
      throw new IOException(from + ": format '" + stored.format() + "' is not " + FORMAT);
    }
    return stored.users();
  }

  /** Every user, by name. */
  public synchronized List<User> list() {
    List<User> out = new ArrayList<>(users.values());
    out.sort(Comparator.comparing(User::name));
    return out;
  }

  /** True when no user exists yet (the first one must be added from the command line). */
  public synchronized boolean isEmpty() {
    return users.isEmpty();
  }

  public synchronized Optional<User> find(String name) {
    return Optional.ofNullable(name == null ? null : users.get(name));
  }

  /**
   * Adds a user with a one-time password they must change at first sign-in.
   *
   * @return the one-time password (shown once; only its hash is kept)
   * @throws IllegalArgumentException if the name is invalid or taken
   */
  public synchronized char[] add(String name, Role role) throws IOException {
    User.checkName(name);
    if (users.containsKey(name)) {
      throw new IllegalArgumentException("name: a user named '" + name + "' exists");
    }
    char[] otp = Passwords.oneTimePassword();
    User u = new User(name, role, passwords.hash(otp), true, null, false, false, Assignments.NONE, List.of(),
        clock.instant());
    put(u);
    return otp;
  }

  /** Issues a new one-time password (the old password stops working). @return it */
  public synchronized char[] resetPassword(String name) throws IOException {
    char[] otp = Passwords.oneTimePassword();
    String hash = passwords.hash(otp);
    update(name, u -> u.withPassword(hash, true));
    return otp;
  }

  /** Sets a password the user chose (already checked with {@link Passwords#weakness}). */
  public synchronized User setPassword(String name, char[] password) throws IOException {
    String hash = passwords.hash(password);
    return update(name, u -> u.withPassword(hash, false));
  }

  /**
   * Changes one user and writes the file.
   *
   * @throws IllegalArgumentException if there is no such user
   */
  public synchronized User update(String name, UnaryOperator<User> change) throws IOException {
    User u = users.get(name);
    if (u == null) {
      throw new IllegalArgumentException("name: no user named '" + name + "'");
    }
    User changed = change.apply(u);
    if (!changed.name().equals(name)) {
      throw new IllegalArgumentException("name: a user cannot be renamed");
    }
    put(changed);
    return changed;
  }

  private void put(User u) throws IOException {
    User before = users.put(u.name(), u);
    try {
      write();
    } catch (IOException | RuntimeException e) {
      if (before == null) {
        users.remove(u.name());
      } else {
        users.put(u.name(), before);
      }
      throw e;
    }
  }

  private void write() throws IOException {
    file.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(FORMAT, list())));
  }

  /** The file's shape. */
  record Stored(String format, List<User> users) {}
}
