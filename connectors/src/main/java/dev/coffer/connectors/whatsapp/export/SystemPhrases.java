package dev.coffer.connectors.whatsapp.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The localized system templates of every language, in table order, with an index that says which
 * of them can match a line before any regular expression runs. A line is tried against every
 * template of every language (a file's language is not known), and most templates fail only after
 * their lazy name groups have walked the whole line, so trying them all cost more than the rest of
 * an entry's parse. Each template has {@link Template#needles needles} its matches must contain;
 * the index finds, in one pass over the line, the templates whose longest needle occurs, keeps
 * those whose other needles occur too, and only those (and the few without a needle) are tried,
 * in the original order, so the first template that matches is the same one as without the index.
 */
final class SystemPhrases {
  private final List<Template> templates;
  /** Templates (by position) indexed by the first two folded chars of their needle. */
  private final Map<Integer, int[]> byBigram = new HashMap<>();
  /** A bit per {@link #bit} of every key of {@link #byBigram}: most pairs of a line hit none. */
  private final long[] bigramBits = new long[1 << 10];
  /** Templates with no needle: always tried. */
  private final int[] always;

  SystemPhrases(List<Template> templates) {
    this.templates = List.copyOf(templates);
    List<Integer> none = new ArrayList<>();
    Map<Integer, List<Integer>> index = new HashMap<>();
    for (int t = 0; t < this.templates.size(); t++) {
      String needle = this.templates.get(t).needle();
      if (needle == null) {
        none.add(t);
      } else {
        index.computeIfAbsent(key(needle.charAt(0), needle.charAt(1)), k -> new ArrayList<>()).add(t);
      }
    }
    index.forEach((k, v) -> {
      byBigram.put(k, v.stream().mapToInt(Integer::intValue).toArray());
      int b = bit(k);
      bigramBits[b >>> 6] |= 1L << b;
    });
    always = none.stream().mapToInt(Integer::intValue).toArray();
  }

  List<Template> templates() {
    return templates;
  }

  /**
   * Which templates can match {@code line} (a superset of those that do): element {@code t} is
   * true when template {@code t}'s needle occurs in the line under the patterns' case folding.
   */
  boolean[] candidates(String line) {
    boolean[] out = new boolean[templates.size()];
    for (int t : always) {
      out[t] = true;
    }
    int n = line.length();
    char[] raw = line.toCharArray();
    char[] folded = new char[n];
    for (int i = 0; i < n; i++) {
      folded[i] = Template.fold(raw[i]);
    }
    for (int i = 0; i + 1 < n; i++) {
      // A needle char f matches c when f == c or f == fold(c): look up every pair that could.
      probe(key(folded[i], folded[i + 1]), raw, folded, i, out);
      if (raw[i] != folded[i]) {
        probe(key(raw[i], folded[i + 1]), raw, folded, i, out);
      }
      if (raw[i + 1] != folded[i + 1]) {
        probe(key(folded[i], raw[i + 1]), raw, folded, i, out);
        if (raw[i] != folded[i]) {
          probe(key(raw[i], raw[i + 1]), raw, folded, i, out);
        }
      }
    }
    return out;
  }

  private static int bit(int key) {
    return ((key >>> 16) * 31 + (key & 0xFFFF)) & 0xFFFF;
  }

  private void probe(int key, char[] raw, char[] folded, int at, boolean[] out) {
    int b = bit(key);
    if ((bigramBits[b >>> 6] & (1L << b)) == 0) {
      return;
    }
    int[] ts = byBigram.get(key);
    if (ts == null) {
      return;
    }
    for (int t : ts) {
      if (!out[t] && occursAt(templates.get(t).needle(), raw, folded, at)
          && othersOccur(templates.get(t).needles(), raw, folded)) {
        out[t] = true;
      }
    }
  }

  /** True if every needle after the first occurs somewhere in the line. */
  private static boolean othersOccur(List<String> needles, char[] raw, char[] folded) {
    for (int k = 1; k < needles.size(); k++) {
      String needle = needles.get(k);
      boolean found = false;
      for (int at = 0; at + needle.length() <= raw.length && !found; at++) {
        found = occursAt(needle, raw, folded, at);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static boolean occursAt(String needle, char[] raw, char[] folded, int at) {
    if (at + needle.length() > raw.length) {
      return false;
    }
    for (int j = 0; j < needle.length(); j++) {
      char f = needle.charAt(j);
      if (f != raw[at + j] && f != folded[at + j]) {
        return false;
      }
    }
    return true;
  }

  private static int key(char a, char b) {
    return (a << 16) | b;
  }
}
