package dev.coffer.search;

import static dev.coffer.search.RecordDocuments.CHANNEL;
import static dev.coffer.search.RecordDocuments.CONVERSATION;
import static dev.coffer.search.RecordDocuments.CONVERSATION_TITLE_KEY;
import static dev.coffer.search.RecordDocuments.DIRECTION;
import static dev.coffer.search.RecordDocuments.HAS_ATTACHMENT;
import static dev.coffer.search.RecordDocuments.KIND;
import static dev.coffer.search.RecordDocuments.SENDER_HANDLE;
import static dev.coffer.search.RecordDocuments.SENDER_NAME;
import static dev.coffer.search.RecordDocuments.SENDER_PHONE;
import static dev.coffer.search.RecordDocuments.SERIAL;
import static dev.coffer.search.RecordDocuments.TEXT;
import static dev.coffer.search.RecordDocuments.TIME;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.QueryBuilder;

/** Turns a {@link SearchRequest} into a Lucene query, sort and search-after position. */
final class RequestQueries {
  /** The pseudo-field a query can name ({@code phone:NUMBER}); phone numbers are rewritten to it. */
  static final String PHONE = "phone";

  private final Analyzer analyzer;
  private final PhoneNumbers phones;

  RequestQueries(Analyzer analyzer, PhoneNumbers phones) {
    this.analyzer = analyzer;
    this.phones = phones;
  }

  /** The full query: text (scored) plus filters (not scored). */
  Query query(SearchRequest request) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(request.query().isBlank() ? new MatchAllDocsQuery() : text(request.query()), Occur.MUST);
    if (request.from() != null) {
      b.add(from(request.from()), Occur.FILTER);
    }
    if (request.conversation() != null) {
      b.add(new BooleanQuery.Builder()
          .add(new TermQuery(new Term(CONVERSATION, request.conversation())), Occur.SHOULD)
          .add(new TermQuery(new Term(CONVERSATION_TITLE_KEY,
              RecordDocuments.titleKey(request.conversation()))), Occur.SHOULD)
          .build(), Occur.FILTER);
    }
    if (request.within() != null) {
      b.add(new TermInSetQuery(CONVERSATION, request.within().stream()
          .map(org.apache.lucene.util.BytesRef::new).collect(Collectors.toList())), Occur.FILTER);
    }
    if (request.channel() != null) {
      b.add(new TermQuery(new Term(CHANNEL, request.channel())), Occur.FILTER);
    }
    if (request.since() != null || request.until() != null) {
      long lo = request.since() == null ? Long.MIN_VALUE : request.since().toEpochMilli();
      long hi = request.until() == null ? Long.MAX_VALUE : request.until().toEpochMilli() - 1;
      b.add(LongField.newRangeQuery(TIME, lo, hi), Occur.FILTER);
    }
    if (!request.kinds().isEmpty()) {
      b.add(new TermInSetQuery(KIND, request.kinds().stream()
          .map(org.apache.lucene.util.BytesRef::new).collect(Collectors.toList())), Occur.FILTER);
    }
    if (request.direction() != null) {
      b.add(direction(request), Occur.FILTER);
    }
    if (request.hasAttachment() != null) {
      Query with = new TermQuery(new Term(HAS_ATTACHMENT, "true"));
      b.add(with, request.hasAttachment() ? Occur.FILTER : Occur.MUST_NOT);
    }
    return b.build();
  }

  /**
   * Outbound: the record shows it was the firm's ({@link Directions}), or its sender is one of the
   * firm's handles. Inbound: has a direction and is not outbound.
   */
  private Query direction(SearchRequest request) {
    Query firm = null;
    if (!request.firmHandles().isEmpty()) {
      List<org.apache.lucene.util.BytesRef> handles = request.firmHandles().stream()
          .map(org.apache.lucene.util.BytesRef::new).collect(Collectors.toList());
      List<org.apache.lucene.util.BytesRef> numbers = request.firmHandles().stream()
          .map(phones::normalize).flatMap(Optional::stream).distinct()
          .map(org.apache.lucene.util.BytesRef::new).collect(Collectors.toList());
      BooleanQuery.Builder f = new BooleanQuery.Builder()
          .add(new TermInSetQuery(SENDER_HANDLE, handles), Occur.SHOULD);
      if (!numbers.isEmpty()) {
        f.add(new TermInSetQuery(SENDER_PHONE, numbers), Occur.SHOULD);
      }
      firm = f.build();
    }
    Query marked = new TermQuery(new Term(DIRECTION, Directions.OUTBOUND));
    return switch (request.direction()) {
      case OUTBOUND -> firm == null ? marked : new BooleanQuery.Builder()
          .add(marked, Occur.SHOULD)
          .add(new BooleanQuery.Builder().add(new TermQuery(new Term(DIRECTION, Directions.INBOUND)), Occur.FILTER)
              .add(firm, Occur.FILTER).build(), Occur.SHOULD)
          .build();
      case INBOUND -> {
        BooleanQuery.Builder in = new BooleanQuery.Builder()
            .add(new TermQuery(new Term(DIRECTION, Directions.INBOUND)), Occur.FILTER);
        if (firm != null) {
          in.add(firm, Occur.MUST_NOT);
        }
        yield in.build();
      }
    };
  }

  /**
   * Parses query text. Phone numbers in it (outside a longer quoted phrase) become
   * {@code phone:"E164"} before parsing, since the parser would otherwise split them at spaces and
   * read {@code +1} as an operator.
   *
   * @throws IllegalArgumentException if the text is not valid query syntax
   */
  Query text(String queryText) {
    Parser parser = new Parser(analyzer);
    try {
      return parser.parse(rewritePhones(queryText));
    } catch (ParseException | IndexSearcher.TooManyClauses e) {
      throw new IllegalArgumentException("query: cannot read '" + queryText + "': "
          + firstLine(e.getMessage()), e);
    }
  }

  String rewritePhones(String q) {
    List<PhoneNumbers.Span> spans = phones.find(q);
    if (spans.isEmpty()) {
      return q;
    }
    boolean[] quoted = new boolean[q.length() + 1];
    int[] quoteStart = new int[q.length() + 1];
    boolean in = false;
    int open = -1;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '\\') {
        quoted[i] = in;
        quoteStart[i] = open;
        if (i + 1 < q.length()) {
          quoted[i + 1] = in;
          quoteStart[i + 1] = open;
        }
        i++;
        continue;
      }
      if (c == '"') {
        in = !in;
        open = in ? i : -1;
      }
      quoted[i] = in;
      quoteStart[i] = open;
    }
    StringBuilder out = new StringBuilder();
    int copied = 0;
    for (PhoneNumbers.Span s : spans) {
      if (s.start() < copied) {
        continue;
      }
      int from = s.start();
      int to = s.end();
      if (q.substring(0, quoted[from] ? Math.max(0, quoteStart[from]) : from).endsWith(PHONE + ":")) {
        continue; // already an explicit phone:NUMBER
      }
      if (quoted[s.start()]) {
        int qs = quoteStart[s.start()];
        int qe = q.indexOf('"', s.end());
        if (qs < copied || qe < 0 || !q.substring(qs + 1, qe).strip().equals(q.substring(from, to).strip())) {
          continue; // part of a longer phrase: leave it to the text analysis
        }
        from = qs;
        to = qe + 1;
      }
      out.append(q, copied, from).append(PHONE).append(":\"").append(s.e164()).append('"');
      copied = to;
    }
    out.append(q.substring(copied));
    return out.toString();
  }

  Query from(String from) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    phones.normalize(from).ifPresent(p -> b.add(new TermQuery(new Term(SENDER_PHONE, p)), Occur.SHOULD));
    b.add(new TermQuery(new Term(SENDER_HANDLE, from)), Occur.SHOULD);
    Query name = new QueryBuilder(analyzer).createPhraseQuery(SENDER_NAME, from);
    if (name != null) {
      b.add(name, Occur.SHOULD);
    }
    return b.build();
  }

  private Query phone(String e164) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(TEXT, e164)), Occur.SHOULD)
        .add(new TermQuery(new Term(SENDER_PHONE, e164)), Occur.SHOULD)
        .build();
  }

  /** The order; serial is the last key, so every hit has a unique, stable position for cursors. */
  static Sort sort(SearchRequest.Sort sort) {
    SortField serialAsc = LongField.newSortField(SERIAL, false, SortedNumericSelector.Type.MIN);
    SortField serialDesc = LongField.newSortField(SERIAL, true, SortedNumericSelector.Type.MIN);
    return switch (sort) {
      case RELEVANCE -> new Sort(SortField.FIELD_SCORE, serialAsc);
      case NEWEST -> new Sort(LongField.newSortField(TIME, true, SortedNumericSelector.Type.MIN), serialDesc);
      case OLDEST -> new Sort(LongField.newSortField(TIME, false, SortedNumericSelector.Type.MIN), serialAsc);
    };
  }

  /** Encodes the sort values of a page's last hit: {@code v1:<sort>:<value>:<serial>}, base64url. */
  static String cursor(SearchRequest.Sort sort, FieldDoc last) {
    String first = switch (sort) {
      case RELEVANCE -> Integer.toHexString(Float.floatToIntBits((Float) last.fields[0]));
      case NEWEST, OLDEST -> Long.toString((Long) last.fields[0]);
    };
    String plain = "v1:" + sort.name() + ":" + first + ":" + last.fields[1];
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The search-after position of a cursor. @throws IllegalArgumentException if it is not one of ours */
  static FieldDoc after(SearchRequest.Sort sort, String cursor) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = plain.split(":");
      if (parts.length != 4 || !parts[0].equals("v1") || !parts[1].equals(sort.name())) {
        throw new IllegalArgumentException("after: cursor is not for a " + sort + " search");
      }
      Object first = switch (sort) {
        case RELEVANCE -> Float.intBitsToFloat(Integer.parseUnsignedInt(parts[2], 16));
        case NEWEST, OLDEST -> Long.parseLong(parts[2]);
      };
      Object[] fields = {first, Long.parseLong(parts[3])};
      float score = first instanceof Float f ? f : Float.NaN;
      // the doc id only breaks ties between equal sort values, which the serial key rules out
      return new FieldDoc(Integer.MAX_VALUE, score, fields);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("after:")) {
        throw e;
      }
      throw new IllegalArgumentException("after: '" + cursor + "' is not a search cursor", e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "syntax error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The classic parser, with AND as the default operator, phrases for multi-token terms, phones. */
  private final class Parser extends QueryParser {
    Parser(Analyzer analyzer) {
      super(TEXT, analyzer);
      setDefaultOperator(Operator.AND);
      setSplitOnWhitespace(true);
      // a CJK word is several bigram tokens: they must match as a phrase, not as any bigram
      setAutoGeneratePhraseQueries(true);
      setAllowLeadingWildcard(false);
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
      if (PHONE.equals(field)) {
        Optional<String> e164 = phones.normalize(queryText);
        if (e164.isEmpty()) {
          throw new ParseException("'" + queryText + "' is not a phone number");
        }
        return phone(e164.get());
      }
      return super.getFieldQuery(field, queryText, quoted);
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, int slop) throws ParseException {
      if (PHONE.equals(field)) {
        return getFieldQuery(field, queryText, true);
      }
      return super.getFieldQuery(field, queryText, slop);
    }
  }
}
