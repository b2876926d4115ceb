package dev.coffer.search;

import static dev.coffer.search.RecordDocuments.TEXT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.LengthGoalBreakIterator;
import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

/**
 * The highlighted snippets of a page of hits, by re-analysing the text of those hits only.
 *
 * <p>Why not offsets stored in the postings (what Lucene's UnifiedHighlighter reads): it asks the
 * index again for every hit — a term-dictionary seek and a postings walk per query term, per hit,
 * through the encrypted directory — which made highlighting more than half of a search's time and
 * most of its allocation, and the offsets were 3 % of the index. Analysing the 20 short texts shown
 * with the indexing chain (phone tokens included: {@link Analysis#highlighting}) gives the same
 * tokens and offsets without touching the index. (The UnifiedHighlighter's own re-analysis mode
 * builds an in-memory index per hit, 100 KB of buffers each: about as slow.)
 *
 * <p>What is marked: every token the query looks for in {@code text} — its terms, the terms its
 * wildcards, prefixes and fuzzy terms match, and each phrase where its words stand in order (a
 * sloppy phrase where its words stand within the slop) as one mark; nothing under a {@code NOT}.
 * Passages are chosen as the UnifiedHighlighter chooses them: sentences grown or cut to about
 * {@value #LENGTH} chars around the matches, the best two by a BM25-like passage score, in text order,
 * formatted by its {@link DefaultPassageFormatter}; a hit whose match is not in its text (a sender,
 * a filter) shows its first passage unmarked.
 */
final class Snippets {
  /** Aimed-for length of a passage, in chars. */
  static final int LENGTH = 140;
  /** Passages per snippet. */
  private static final int PASSAGES = 2;
  /** Text beyond this many chars is not searched for matches (as the UnifiedHighlighter's default). */
  private static final int MAX_LENGTH = 10_000;
  // The UnifiedHighlighter's PassageScorer constants (BM25 over passages).
  private static final float K1 = 1.2f;
  private static final float B = 0.75f;
  private static final float PIVOT = 87f;

  private final Analyzer analyzer;

  Snippets(PhoneNumbers phones) {
    this.analyzer = Analysis.highlighting(phones);
  }

  /** What a query looks for in {@code text}: terms, phrases, and automata of multi-term queries. */
  static final class Wanted {
    final Set<String> terms = new HashSet<>();
    final List<Phrase> phrases = new ArrayList<>();
    final List<ByteRunAutomaton> automata = new ArrayList<>();
    /** Terms that appear in some phrase: their tokens are collected too. */
    final Set<String> phraseTerms = new HashSet<>();

    boolean nothing() {
      return terms.isEmpty() && phrases.isEmpty() && automata.isEmpty();
    }
  }

  /** A phrase's terms with their relative positions, and its slop. */
  record Phrase(String[] terms, int[] positions, int slop) {}

  /** What {@code query} looks for in the text field (negated clauses and other fields left out). */
  static Wanted wanted(Query query) {
    Wanted w = new Wanted();
    query.visit(new QueryVisitor() {
      @Override
      public boolean acceptField(String field) {
        return TEXT.equals(field);
      }

      @Override
      public void consumeTerms(Query q, Term... terms) {
        if (q instanceof PhraseQuery p && terms.length > 1) {
          String[] t = new String[terms.length];
          for (int i = 0; i < terms.length; i++) {
            t[i] = terms[i].text();
            w.phraseTerms.add(t[i]);
          }
          int[] positions = p.getPositions().clone();
          for (int i = positions.length - 1; i >= 0; i--) {
            positions[i] -= positions[0];
          }
          w.phrases.add(new Phrase(t, positions, p.getSlop()));
          return;
        }
        for (Term t : terms) {
          if (TEXT.equals(t.field())) {
            w.terms.add(t.text());
          }
        }
      }

      @Override
      public void consumeTermsMatching(Query q, String field, Supplier<ByteRunAutomaton> automaton) {
        if (TEXT.equals(field)) {
          w.automata.add(automaton.get());
        }
      }

      @Override
      public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
        return occur == BooleanClause.Occur.MUST_NOT ? QueryVisitor.EMPTY_VISITOR : this;
      }
    });
    return w;
  }

  /** A token the query looks for: position, offsets, term. */
  private record Token(int position, int start, int end, String term) {}

  /** One mark: offsets and the term it counts for in the passage score. */
  private record Mark(int start, int end, String term) {}

  /**
   * The snippet of one hit: up to two passages around the matches, or the start of the text when
   * the match was elsewhere; null for a hit without text.
   */
  String snippet(String text, Wanted wanted, String pre, String post) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int length = Math.min(text.length(), MAX_LENGTH);
    List<Mark> marks = wanted.nothing() ? List.of() : marks(text, wanted, length);
    BreakIterator breaks = LengthGoalBreakIterator.createClosestToLength(
        BreakIterator.getSentenceInstance(Locale.ROOT), LENGTH, 0.5f);
    breaks.setText(text);
    Passage[] passages = marks.isEmpty() ? firstPassage(breaks) : passages(marks, breaks, length);
    String out = new DefaultPassageFormatter(pre, post, " … ", false).format(passages, text);
    if (out != null && out.length() > 3 * LENGTH) {
      out = out.substring(0, 3 * LENGTH) + "…";
    }
    return out;
  }

  private List<Mark> marks(String text, Wanted wanted, int length) {
    List<Token> tokens = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      int position = -1;
      BytesRef bytes = wanted.automata.isEmpty() ? null : new BytesRef();
      while (ts.incrementToken()) {
        position += inc.getPositionIncrement();
        if (offset.startOffset() >= length) {
          break;
        }
        String t = term.toString();
        boolean keep = wanted.terms.contains(t) || wanted.phraseTerms.contains(t);
        if (!keep && bytes != null) {
          BytesRef b = new BytesRef(t);
          for (ByteRunAutomaton a : wanted.automata) {
            if (a.run(b.bytes, b.offset, b.length)) {
              keep = true;
              break;
            }
          }
          if (keep) {
            wanted.terms.add(t); // this text's matches of the automaton count as terms below
          }
        }
        if (keep) {
          tokens.add(new Token(position, offset.startOffset(), Math.min(offset.endOffset(), text.length()), t));
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // analysing a String: cannot happen
    }
    List<Mark> marks = new ArrayList<>();
    for (Token t : tokens) {
      if (wanted.terms.contains(t.term())) {
        marks.add(new Mark(t.start(), t.end(), t.term()));
      }
    }
    for (Phrase p : wanted.phrases) {
      phraseMarks(p, tokens, marks);
    }
    marks.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(b.end(), a.end()));
    return marks;
  }

  /** Marks each place the phrase's words stand at their positions (within the slop, any order). */
  private static void phraseMarks(Phrase p, List<Token> tokens, List<Mark> out) {
    int span = p.positions()[p.positions().length - 1];
    for (Token first : tokens) {
      if (!first.term().equals(p.terms()[0])) {
        continue;
      }
      int end = first.end();
      boolean all = true;
      for (int i = 1; i < p.terms().length && all; i++) {
        int want = first.position() + p.positions()[i];
        Token found = null;
        for (Token t : tokens) {
          if (t.term().equals(p.terms()[i]) && (p.slop() == 0 ? t.position() == want
              : t.position() >= first.position() - p.slop() && t.position() <= first.position() + span + p.slop()
                  && t != first)) {
            found = t;
            break;
          }
        }
        if (found == null) {
          all = false;
        } else {
          end = Math.max(end, found.end());
        }
      }
      if (all) {
        out.add(new Mark(first.start(), end, p.terms()[0]));
      }
    }
  }

  /** As the UnifiedHighlighter's FieldHighlighter: passages grown around matches, best two in order. */
  private static Passage[] passages(List<Mark> marks, BreakIterator breaks, int length) {
    Map<String, Integer> inDoc = new HashMap<>();
    for (Mark m : marks) {
      inDoc.merge(m.term(), 1, Integer::sum);
    }
    PriorityQueue<Passage> best = new PriorityQueue<>(PASSAGES + 1, (a, b) -> a.getScore() != b.getScore()
        ? Float.compare(a.getScore(), b.getScore()) : Integer.compare(b.getStartOffset(), a.getStartOffset()));
    Passage passage = null;
    List<String> terms = new ArrayList<>();
    for (Mark m : marks) {
      if (m.start() >= length || m.end() > length) {
        continue;
      }
      if (passage == null || m.start() >= passage.getEndOffset()) {
        if (passage != null) {
          keep(best, passage, terms, inDoc, length);
        }
        passage = new Passage();
        terms = new ArrayList<>();
        passage.setStartOffset(Math.max(breaks.preceding(m.start() + 1), 0));
        passage.setEndOffset(Math.min(breaks.following(m.start()), length));
      }
      passage.addMatch(m.start(), m.end(), new BytesRef(m.term()), inDoc.get(m.term()));
      terms.add(m.term());
      if (m.end() > passage.getEndOffset()) {
        passage.setEndOffset(Math.min(breaks.following(m.end() - 1), length));
      }
    }
    if (passage == null) {
      return firstPassage(breaks);
    }
    keep(best, passage, terms, inDoc, length);
    Passage[] out = best.toArray(new Passage[0]);
    Arrays.sort(out, (a, b) -> Integer.compare(a.getStartOffset(), b.getStartOffset()));
    return out;
  }

  private static void keep(PriorityQueue<Passage> best, Passage p, List<String> terms, Map<String, Integer> inDoc,
      int contentLength) {
    Map<String, Integer> inPassage = new HashMap<>();
    for (String t : terms) {
      inPassage.merge(t, 1, Integer::sum);
    }
    float score = 0;
    for (Map.Entry<String, Integer> e : inPassage.entrySet()) {
      score += weight(contentLength, inDoc.get(e.getKey())) * tf(e.getValue(), p.getLength());
    }
    p.setScore(score * norm(p.getStartOffset()));
    best.add(p);
    if (best.size() > PASSAGES) {
      best.poll();
    }
  }

  private static float weight(int contentLength, int totalTermFreq) {
    float numDocs = 1 + contentLength / PIVOT;
    return (K1 + 1) * (float) Math.log(1 + (numDocs + 0.5D) / (totalTermFreq + 0.5D));
  }

  private static float tf(int freq, int passageLen) {
    float norm = K1 * ((1 - B) + B * (passageLen / PIVOT));
    return freq / (freq + norm);
  }

  private static float norm(int passageStart) {
    return 1 + 1 / (float) Math.log(PIVOT + passageStart);
  }

  /** The start of the text, when no match is in it. */
  private static Passage[] firstPassage(BreakIterator breaks) {
    int start = breaks.current();
    int next = breaks.next();
    if (next == BreakIterator.DONE) {
      return new Passage[0];
    }
    Passage p = new Passage();
    p.setStartOffset(start);
    p.setEndOffset(next);
    return new Passage[] {p};
  }
}
