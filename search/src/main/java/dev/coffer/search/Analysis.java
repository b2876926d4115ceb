package dev.coffer.search;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.apache.lucene.analysis.icu.segmentation.DefaultICUTokenizerConfig;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizerConfig;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * The analysis chain for message text, the same for every language:
 *
 * <pre>
 * ICUTokenizer (UAX#29 words; Han/Kana/Hangul one char each; emoji sequences as one token)
 *   → EmojiVariants (index side only: 👍🏽 also as 👍, 👨‍👩‍👧 also as 👨 👩 👧)
 *   → WordParts     (index side only: "forecast.pdf" also as "forecast" and "pdf", "wxid_wei" as "wxid" "wei")
 *   → ICUFolding   (NFKC, case fold, accents and width folded: "Ärger" = "arger", "ＡＢ" = "ab")
 *   → CJKBigram    (Chinese/Japanese/Korean runs as overlapping bigrams: 内幕交易 → 内幕 幕交 交易)
 * </pre>
 *
 * <p>Bigrams rather than dictionary words: a dictionary segmenter may cut 北京大学 as one word and then
 * never find 北京 inside it; bigrams find every two-character word anywhere, and a longer query becomes
 * a phrase of bigrams (the query parser generates phrases for multi-token terms). Phone numbers are
 * added to the same field by {@link PhoneTokens}, stacked on the digits they were written with.
 */
final class Analysis {
  /** The token type ICUTokenizer gives emoji sequences. */
  static final String EMOJI = DefaultICUTokenizerConfig.WORD_EMOJI;

  private static final ICUTokenizerConfig CONFIG = new DefaultICUTokenizerConfig(false, true);

  private Analysis() {}

  /** For indexing message text: also emits the base forms of emoji sequences. */
  static Analyzer index() {
    return new TextAnalyzer(true, null);
  }

  /** For queries and for short fields (sender names): no emoji expansion, so 👍🏽 finds only 👍🏽. */
  static Analyzer query() {
    return new TextAnalyzer(false, null);
  }

  /**
   * The index analysis of message text <em>with</em> its phone tokens, for highlighting by
   * re-analysis: the same tokens, positions and offsets as the indexed {@code text} field (where
   * {@link RecordDocuments} stacks the phone tokens on the analyzed words), computed from the text
   * of the 20 hits shown instead of being read from offsets stored in the postings.
   */
  static Analyzer highlighting(PhoneNumbers phones) {
    return new TextAnalyzer(true, phones);
  }

  private static final class TextAnalyzer extends Analyzer {
    private final boolean expandEmoji;
    private final PhoneNumbers phones;

    TextAnalyzer(boolean expandEmoji, PhoneNumbers phones) {
      this.expandEmoji = expandEmoji;
      this.phones = phones;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer tokenizer = new ICUTokenizer(CONFIG);
      TokenStream stream = expandEmoji ? new WordParts(new EmojiVariants(tokenizer)) : tokenizer;
      stream = new ICUFoldingFilter(stream);
      stream = new CJKBigramFilter(stream);
      if (phones == null) {
        return new TokenStreamComponents(tokenizer, stream);
      }
      PhoneTokens withPhones = new PhoneTokens(stream, List.of());
      return new TokenStreamComponents(reader -> {
        // the numbers are found on the whole text before tokenizing, as when indexing
        String text = readAll(reader);
        withPhones.spans(phones.find(text));
        tokenizer.setReader(new StringReader(text));
      }, withPhones);
    }

    private static String readAll(Reader reader) {
      StringBuilder b = new StringBuilder();
      char[] buf = new char[512];
      try {
        for (int n; (n = reader.read(buf)) > 0; ) {
          b.append(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a StringReader over the text: cannot happen
      }
      return b.toString();
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      // wildcard and prefix terms are not tokenized, but folded the same way
      return new ICUFoldingFilter(in);
    }
  }

  /**
   * Adds, at the same position and offsets as an emoji token, its forms without skin-tone modifiers
   * and variation selectors, and the parts of a ZWJ sequence: a query for 👍 finds 👍🏽, one for 👩
   * finds 👩‍💻. The exact sequence stays indexed, so 👍🏽 as a query finds only 👍🏽.
   */
  static final class EmojiVariants extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final TypeAttribute type = addAttribute(TypeAttribute.class);
    private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
    private final List<String> pending = new ArrayList<>();
    private State state;

    EmojiVariants(TokenStream input) {
      super(input);
    }

    @Override
    public boolean incrementToken() throws IOException {
      if (!pending.isEmpty()) {
        restoreState(state);
        term.setEmpty().append(pending.removeLast());
        posInc.setPositionIncrement(0);
        return true;
      }
      if (!input.incrementToken()) {
        return false;
      }
      if (EMOJI.equals(type.type())) {
        variants(term.toString(), pending);
        if (!pending.isEmpty()) {
          state = captureState();
        }
      }
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      pending.clear();
      state = null;
    }

    /** Adds to {@code out} the variants of {@code emoji} that differ from it, without repeats. */
    static void variants(String emoji, List<String> out) {
      if (!hasVariants(emoji)) {
        return; // most emoji are bare: nothing to strip, nothing to split
      }
      String base = strip(emoji);
      addIfNew(base, emoji, out);
      if (emoji.indexOf('\u200D') >= 0) {
        for (String part : emoji.split("\u200D")) {
          addIfNew(strip(part), emoji, out);
        }
      }
    }

    /** Whether {@code emoji} holds a skin-tone modifier, a variation selector or a ZWJ. */
    private static boolean hasVariants(String emoji) {
      for (int i = 0; i < emoji.length(); i++) {
        char c = emoji.charAt(i);
        if (c == '\u200D' || c == '\uFE0E' || c == '\uFE0F'
            // U+1F3FB..U+1F3FF (skin tones) are the surrogate pair D83C DFFB..DFFF
            || (c == '\uD83C' && i + 1 < emoji.length() && emoji.charAt(i + 1) >= '\uDFFB'
                && emoji.charAt(i + 1) <= '\uDFFF')) {
          return true;
        }
      }
      return false;
    }

    private static void addIfNew(String candidate, String original, List<String> out) {
      if (!candidate.isEmpty() && !candidate.equals(original) && !out.contains(candidate)) {
        out.add(candidate);
      }
    }

    /** Removes skin-tone modifiers (U+1F3FB–U+1F3FF) and variation selectors (U+FE0E, U+FE0F). */
    static String strip(String s) {
      StringBuilder b = new StringBuilder(s.length());
      s.codePoints()
          .filter(cp -> !(cp >= 0x1F3FB && cp <= 0x1F3FF) && cp != 0xFE0E && cp != 0xFE0F)
          .forEach(b::appendCodePoint);
      return b.toString();
    }
  }

  /**
   * Adds, stacked on a word that UAX#29 keeps whole across dots and underscores (file names, user
   * ids: "quarterly-forecast.pdf" gives "forecast.pdf"), its parts: a query for "forecast" finds the
   * attachment. Numbers ("12.50") are left alone.
   */
  static final class WordParts extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
    private final List<String> pending = new ArrayList<>();
    private State state;

    WordParts(TokenStream input) {
      super(input);
    }

    @Override
    public boolean incrementToken() throws IOException {
      if (!pending.isEmpty()) {
        restoreState(state);
        term.setEmpty().append(pending.removeFirst());
        posInc.setPositionIncrement(0);
        return true;
      }
      if (!input.incrementToken()) {
        return false;
      }
      if (splittable()) {
        for (String part : term.toString().split("[._]+")) {
          if (!part.isEmpty() && !pending.contains(part)) {
            pending.add(part);
          }
        }
        if (pending.size() > 0) {
          state = captureState();
        }
      }
      return true;
    }

    private boolean splittable() {
      boolean separator = false;
      boolean letter = false;
      for (int i = 0; i < term.length(); i++) {
        char c = term.charAt(i);
        separator |= c == '.' || c == '_';
        letter |= Character.isLetter(c);
      }
      return separator && letter;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      pending.clear();
      state = null;
    }
  }

  /**
   * Injects E.164 phone tokens into the analyzed text stream at the position of the digits they were
   * written with, with the offsets of the whole number: "+1 (555) 123-4567" is also the single term
   * {@code +15551234567}, which query-side normalization produces from any notation, and the
   * highlighter marks the number as written. The E.164 token comes first at its position so that
   * start offsets never go backwards (Lucene requires it for offsets in postings).
   */
  static final class PhoneTokens extends TokenFilter {
    static final String TYPE = "<PHONE>";

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
    private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
    private final PositionLengthAttribute posLen = addAttribute(PositionLengthAttribute.class);
    private final TypeAttribute type = addAttribute(TypeAttribute.class);
    private List<PhoneNumbers.Span> spans;
    private int next;
    private State held;
    private int heldStart;
    private boolean inputDone;

    PhoneTokens(TokenStream input, List<PhoneNumbers.Span> spans) {
      super(input);
      this.spans = spans;
    }

    /** The numbers of the next text (before {@link #reset()}), when the stream is reused. */
    void spans(List<PhoneNumbers.Span> numbers) {
      this.spans = numbers;
    }

    @Override
    public boolean incrementToken() throws IOException {
      // Several numbers may start before the held token (their digits need not be tokens of their
      // own): emit every one of them, in order, before the token, so start offsets never go back.
      if (held != null && next < spans.size() && spans.get(next).start() <= heldStart) {
        emitPhone(spans.get(next++), 0);
        return true;
      }
      if (held != null) {
        restoreState(held);
        held = null;
        posInc.setPositionIncrement(0);
        return true;
      }
      if (!inputDone && input.incrementToken()) {
        if (next < spans.size() && spans.get(next).start() <= offset.startOffset()) {
          int increment = Math.max(1, posInc.getPositionIncrement());
          heldStart = offset.startOffset();
          held = captureState();
          emitPhone(spans.get(next++), increment);
        }
        return true;
      }
      inputDone = true;
      if (next < spans.size()) {
        // a number after the last token cannot happen (its digits are tokens), but never drop one
        emitPhone(spans.get(next++), 1);
        return true;
      }
      return false;
    }

    private void emitPhone(PhoneNumbers.Span span, int increment) {
      clearAttributes();
      term.setEmpty().append(span.e164());
      offset.setOffset(span.start(), span.end());
      posInc.setPositionIncrement(increment);
      posLen.setPositionLength(1);
      type.setType(TYPE);
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = 0;
      held = null;
      inputDone = false;
    }
  }
}
