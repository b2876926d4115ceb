package dev.coffer.archive.store;

/** Validation of {@link ObjectStore} keys (see the key rules there). */
public final class Keys {
  /** Longest key accepted. */
  public static final int MAX_LENGTH = 512;

  private static final int MAX_LEVEL = 128;

  private Keys() {}

  /**
   * Returns {@code key} if it is a valid key.
   *
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + ": " + shown(key));
    }
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      checkLevel(key, start, end);
      if (slash < 0) {
        return key;
      }
      start = slash + 1;
    }
  }

  /** Returns {@code prefix} if it is empty or a valid key, or a valid key followed by {@code /}. */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("object key prefix is null");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (body.isEmpty()) {
      throw new IllegalArgumentException("object key prefix is '/'");
    }
    // A prefix may end in the middle of a level ("blobs/ab"), which check() accepts as well.
    check(body);
    return prefix;
  }

  private static void checkLevel(String key, int start, int end) {
    int n = end - start;
    if (n == 0) {
      throw new IllegalArgumentException("object key has an empty level (leading, trailing or double '/'): " + shown(key));
    }
    if (n > MAX_LEVEL) {
      throw new IllegalArgumentException("object key level longer than " + MAX_LEVEL + ": " + shown(key));
    }
    if (key.charAt(start) == '.') {
      throw new IllegalArgumentException("object key level starts with '.' (reserved; no '.', '..'): " + shown(key));
    }
    for (int i = start; i < end; i++) {
      char c = key.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok) {
        throw new IllegalArgumentException(
            "object key has character " + (c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'")
                + " outside [a-z0-9._-/]: " + shown(key));
      }
    }
  }

  private static String shown(String key) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < Math.min(key.length(), 80); i++) {
      char c = key.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.append(key.length() > 80 ? "…\"" : "\"").toString();
  }
}
