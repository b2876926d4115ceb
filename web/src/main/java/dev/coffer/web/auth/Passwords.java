package dev.coffer.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106), stored as a PHC string
 * {@code $argon2id$v=19$m=MEMORY_KIB,t=ITERATIONS,p=LANES$SALT$HASH} (unpadded base64), so the
 * parameters travel with each hash and can be raised later without breaking old hashes.
 *
 * <p>Defaults follow OWASP's first Argon2id recommendation: 19 MiB, 2 iterations, 1 lane, 16-byte
 * salt, 32-byte hash. Verification compares in constant time.
 */
public final class Passwords {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final int memoryKib;
  private final int iterations;

  /** Argon2id with 19 MiB and 2 iterations. */
  public Passwords() {
    this(19 * 1024, 2);
  }

  /** Argon2id with the given cost (tests may lower it; never below 8 MiB and 1 iteration). */
  public Passwords(int memoryKib, int iterations) {
    if (memoryKib < 8 * 1024) {
      throw new IllegalArgumentException("memoryKib: " + memoryKib + " is below 8192");
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations: " + iterations + " is below 1");
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
  }

  /** Hashes a password with a fresh random salt. */
  public String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, memoryKib, iterations, 1, 32);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$"
        + B64.encodeToString(out);
  }

  /** True when {@code password} matches {@code phc}; false for a wrong password or a malformed hash. */
  public boolean verify(char[] password, String phc) {
    if (phc == null) {
      return false;
    }
    String[] parts = phc.split("\\$");
    // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return false;
    }
    try {
      int m = 0;
      int t = 0;
      int p = 0;
      for (String kv : parts[3].split(",")) {
        String[] a = kv.split("=", 2);
        int v = Integer.parseInt(a[1]);
        switch (a[0]) {
          case "m" -> m = v;
          case "t" -> t = v;
          case "p" -> p = v;
          default -> { return false; }
        }
      }
      if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 100 || p < 1 || p > 16) {
        return false;
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A random one-time password of 20 characters from an alphabet without look-alikes (~117 bits). */
  public static char[] oneTimePassword() {
    char[] out = new char[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    return out;
  }

  /**
   * Checks a new password's strength: at least 12 characters and not all one class of characters.
   *
   * @return null when acceptable, else why not, for the user
   */
  public static String weakness(char[] password) {
    if (password == null || password.length < 12) {
      return "A password needs at least 12 characters.";
    }
    if (password.length > 1024) {
      return "A password has at most 1024 characters.";
    }
    boolean distinct = false;
    for (char c : password) {
      if (c != password[0]) {
        distinct = true;
        break;
      }
    }
    return distinct ? null : "A password cannot be one character repeated.";
  }

  private static byte[] derive(char[] password, byte[] salt, int m, int t, int p, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(m).withIterations(t).withParallelism(p).build();
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(params);
    byte[] pw = toUtf8(password);
    byte[] out = new byte[length];
    try {
      g.generateBytes(pw, out);
    } finally {
      java.util.Arrays.fill(pw, (byte) 0);
    }
    return out;
  }

  private static byte[] toUtf8(char[] password) {
    java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    if (b.hasArray()) {
      java.util.Arrays.fill(b.array(), (byte) 0);
    }
    return out;
  }
}
