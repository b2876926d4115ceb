package dev.coffer.archive.store;

import java.io.IOException;

/**
 * An object's bytes do not have the documented format (bad magic, version, length or checksum): it
 * was damaged after it was written. Names the object and says what is wrong, expected vs actual.
 */
public class CorruptObjectException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String what;
  private final String expected;
  private final String actual;

  public CorruptObjectException(String key, String what, String expected, String actual) {
    super(key + ": " + what + (expected == null ? "" : " (expected " + expected + ", found " + actual + ")"));
    this.key = key;
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }

  public CorruptObjectException(String key, String what, Throwable cause) {
    super(key + ": " + what + ": " + cause.getMessage(), cause);
    this.key = key;
    this.what = what + ": " + cause.getMessage();
    this.expected = null;
    this.actual = null;
  }

  /** The damaged object's key (or file name). */
  public String key() {
    return key;
  }

  /** What is wrong. */
  public String what() {
    return what;
  }

  /** What the format requires, or null. */
  public String expected() {
    return expected;
  }

  /** What was found, or null. */
  public String actual() {
    return actual;
  }
}
