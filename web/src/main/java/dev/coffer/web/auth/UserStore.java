package dev.coffer.web.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The web app's local users, kept in {@code web/users.json} in the data directory (a directory the
 * archive's verifier leaves alone; created owner-only).
 *
 * <p>The file holds password hashes and TOTP secrets, so it is written owner-only ({@code 0600}) and
 * replaced atomically: a new version is written to a temporary file beside it, forced to disk, and
 * renamed over the old one, so a crash leaves either the old or the new file, never half of one.
 * A file with looser permissions is tightened on open.
 *
 * <p>Format: {@code {"format":"coffer-users/1","users":[User...]}} (Jackson's record form).
 *
 * <p>Thread-safe: every change is a read-modify-write under this store's lock, and the process keeps
 * the only writer (one server per data directory).
 */
public final class UserStore {
  /** The file's name inside the data directory's {@link #DIR}. */
  public static final String FILE = "users.json";
  /** The web app's directory inside the data directory. */
  public static final String DIR = "web";
  static final String FORMAT = "coffer-users/1";

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path file;
  private final Passwords passwords;
  private final Clock clock;
  private final Map<String, User> users = new LinkedHashMap<>();

  private UserStore(Path file, Passwords passwords, Clock clock) {
    this.file = file;
    this.passwords = passwords;
    this.clock = clock;
  }

  /** Opens (or starts empty) the user database of a data directory. */
  public static UserStore open(Path dataDir, Passwords passwords, Clock clock) throws IOException {
    UserStore s = new UserStore(dataDir.resolve(DIR).resolve(FILE), passwords, clock);
    s.load();
    return s;
  }

  /** The password hasher this store uses. */
  public Passwords passwords() {
    return passwords;
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    restrict(file);
    Stored stored;
    try {
      stored = JSON.readValue(file.toFile(), Stored.class);
    } catch (IOException e) {
      throw new IOException(file + " is not a readable user database: " + e.getClass().getSimpleName(), e);
    }
    if (!FORMAT.equals(stored.format())) {
      throw new IOException(file + ": format '" + stored.format() + "' is not " + FORMAT);
    }
    for (User u : stored.users()) {
      users.put(u.name(), u);
    }
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
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(FORMAT, list()));
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + file + " atomically", e);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for sync; the rename itself is atomic.
    }
  }

  private static void restrict(Path f) throws IOException {
    try {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
  }

  /** The file's shape. */
  record Stored(String format, List<User> users) {}
}
