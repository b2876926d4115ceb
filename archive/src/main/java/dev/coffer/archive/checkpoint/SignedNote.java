package dev.coffer.archive.checkpoint;

import dev.coffer.archive.store.CorruptObjectException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A checkpoint as a C2SP {@code signed-note}: the note body of {@link Checkpoint#signedBytes}, an empty
 * line, and one signature line per signer, so that any {@code tlog-checkpoint} tooling (for example Go's
 * {@code golang.org/x/mod/sumdb/note}) opens it:
 * <pre>
 * signed-note = body LF sig-line
 * sig-line    = "— " key-name " " base64(key-id || signature) LF   ; "—" is U+2014 EM DASH
 * key-name    = the body's origin line, "coffer-archive/" archive-id
 * key-id      = first 4 bytes of SHA-256(key-name || LF || %x01 || public-key)   ; %x01 = Ed25519
 * </pre>
 * The verifier key in C2SP form is {@code key-name "+" hex(key-id) "+" base64(%x01 || public-key)}.
 * {@code public-key} is the raw 32-byte Ed25519 key (RFC 8032).
 */
public final class SignedNote {
  /** The signature line's prefix: EM DASH and a space. */
  public static final String SIGNATURE_PREFIX = "\u2014 ";
  private static final byte ED25519 = 0x01;
  // X.509 SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410); the raw key follows it.
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private SignedNote() {}

  /** The signed note of {@code checkpoint}, signed by {@code key}. */
  public static String render(Checkpoint checkpoint, PublicKey key) {
    String body = new String(checkpoint.signedBytes(), StandardCharsets.UTF_8);
    String name = Checkpoint.ORIGIN_PREFIX + checkpoint.archiveId();
    byte[] idAndSig = concat(keyId(name, rawPublicKey(key)), checkpoint.signature());
    return body + "\n" + SIGNATURE_PREFIX + name + " " + Base64.getEncoder().encodeToString(idAndSig) + "\n";
  }

  /**
   * Parses a signed note and returns the checkpoint with the signature of {@code rawKey}; signature
   * lines of other keys (witnesses) are ignored. The signature itself is not checked here: see
   * {@link Checkpoint#verifySignature}.
   *
   * @throws IllegalArgumentException saying what is wrong: not a signed note, body not a canonical
   *     checkpoint, or no signature line of this key
   */
  public static Checkpoint parse(String note, byte[] rawKey) {
    int split = note.indexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint is not a signed note (body, empty line, signature lines)");
    }
    byte[] body = note.substring(0, split + 1).getBytes(StandardCharsets.UTF_8);
    String origin = note.substring(0, note.indexOf('\n'));
    byte[] wantedId = keyId(origin, rawKey);
    byte[] signature = null;
    for (String line : note.substring(split + 2, note.length() - 1).split("\n", -1)) {
      if (!line.startsWith(SIGNATURE_PREFIX)) {
        throw new IllegalArgumentException("checkpoint signature line does not start with an em dash");
      }
      String[] parts = line.substring(SIGNATURE_PREFIX.length()).split(" ", -1);
      byte[] idAndSig;
      try {
        idAndSig = parts.length == 2 ? Base64.getDecoder().decode(parts[1]) : new byte[0];
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checkpoint signature line is not base64");
      }
      if (parts.length == 2 && parts[0].equals(origin) && idAndSig.length == 4 + 64
          && Arrays.equals(Arrays.copyOf(idAndSig, 4), wantedId)) {
        signature = Arrays.copyOfRange(idAndSig, 4, idAndSig.length);
      }
    }
    if (signature == null) {
      throw new IllegalArgumentException("checkpoint has no signature line for key " + verifierKey(origin, rawKey));
    }
    try {
      return CheckpointFormat.parseBody("signed note", body, signature);
    } catch (CorruptObjectException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The C2SP verifier key: {@code name+hex(key-id)+base64(0x01 || raw key)}. */
  public static String verifierKey(String name, byte[] rawKey) {
    return name + "+" + HexFormat.of().formatHex(keyId(name, rawKey)) + "+"
        + Base64.getEncoder().encodeToString(concat(new byte[] {ED25519}, rawKey));
  }

  /** The C2SP key id: the first 4 bytes of SHA-256(name || LF || 0x01 || raw key). */
  public static byte[] keyId(String name, byte[] rawKey) {
    MessageDigest md = sha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ED25519);
    md.update(rawKey);
    return Arrays.copyOf(md.digest(), 4);
  }

  /** The raw 32-byte Ed25519 public key inside a JDK key. */
  public static byte[] rawPublicKey(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der.length != X509_PREFIX.length + 32 || !Arrays.equals(Arrays.copyOf(der, X509_PREFIX.length), X509_PREFIX)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
  }

  /**
   * A JDK key from the raw 32 bytes.
   *
   * @throws IllegalArgumentException if it is not 32 bytes or not a valid Ed25519 point encoding
   */
  public static PublicKey publicKey(byte[] rawKey) {
    if (rawKey.length != 32) {
      throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, got " + rawKey.length);
    }
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, rawKey)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
