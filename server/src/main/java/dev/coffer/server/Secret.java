package dev.coffer.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A configured secret (app secret, token, key password). Its {@link #toString()} is redacted so that
 * a logged configuration, an exception message or a debugger's summary never shows it; the value is
 * read only where it is used ({@link #bytes()}, {@link #chars()}, {@link #matches}).
 */
public final class Secret {
  private final byte[] value;

  private Secret(byte[] value) {
    this.value = value;
  }

  /** A secret from its UTF-8 text. @throws IllegalArgumentException if empty */
  public static Secret of(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a secret may not be empty");
    }
    return new Secret(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the secret's UTF-8 bytes (the caller should overwrite it when done). */
  public byte[] bytes() {
    return value.clone();
  }

  /** The secret as characters (for key store passwords). */
  public char[] chars() {
    return new String(value, StandardCharsets.UTF_8).toCharArray();
  }

  /** The secret's text, for APIs that take a string (a header value, an AES key in Base64). */
  public String reveal() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** Compares with a presented value in time independent of where they differ. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(value, s.value);
  }

  @Override
  public int hashCode() {
    return value.length; // not the bytes: a hash of a secret is a hint about it
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
