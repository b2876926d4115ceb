package dev.coffer.archive.verify;

import java.util.Objects;

/**
 * One thing verify found wrong.
 *
 * @param object the file, relative to the data directory (e.g.
 *     {@code objects/segments/000000000000/0000/00000000000000000001.seg}), or the directory for a
 *     problem that belongs to no single file
 * @param what what is wrong, in words an operator understands
 * @param expected what should be there, or null
 * @param actual what is there, or null
 */
public record Problem(String object, String what, String expected, String actual) {
  public Problem {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(what, "what");
  }

  @Override
  public String toString() {
    return object + ": " + what + (expected == null && actual == null ? "" : " (expected " + expected + ", found " + actual + ")");
  }
}
