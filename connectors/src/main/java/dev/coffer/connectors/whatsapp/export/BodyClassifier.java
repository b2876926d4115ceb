package dev.coffer.connectors.whatsapp.export;

import dev.coffer.connectors.whatsapp.export.Entry.CallEntry;
import dev.coffer.connectors.whatsapp.export.Entry.MediaRef;
import dev.coffer.connectors.whatsapp.export.Entry.MessageEntry;
import dev.coffer.connectors.whatsapp.export.Entry.SystemEntry;
import dev.coffer.model.Call;
import dev.coffer.model.Location;
import dev.coffer.model.Poll;
import dev.coffer.model.SystemEvent.Event;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what follows a header: author or system line, then the message's kind (text, media attached
 * or omitted, deleted, edited, poll, location, contact card, view-once, call). Pure: the same input
 * always gives the same entry; nothing here throws on content.
 *
 * <p>System vs user: on Android a line without {@code "author: "} is a system line, and a line with
 * one is a system line only if it reads as a known system phrase whose names hold no ": ". On iOS a
 * notice carries an author (the chat or the actor), so a body is a system notice only if it starts
 * with U+200E and reads as a known phrase; everything else is a user message kept verbatim.
 */
final class BodyClassifier {

  private enum Kind { DELETED, YOU_DELETED, IMAGE, VIDEO, AUDIO, STICKER, GIF, CONTACT, DOCUMENT,
    MEDIA_OMITTED, LIVE_LOCATION, WAITING, MISSED_VOICE, MISSED_VIDEO, MISSED_GROUP_VOICE,
    MISSED_GROUP_VIDEO, VOICE, VIDEO_CALL }

  private static final Map<String, Kind> EXACT = new HashMap<>();
  private static final List<Template> SYSTEM = new ArrayList<>();
  /** {@link #SYSTEM} with the index that picks the templates worth trying on a line. */
  private static final SystemPhrases PHRASES;
  private static final List<String> YOU = new ArrayList<>();
  private static final List<String> EDITED = new ArrayList<>();
  private static final List<String> ADMIN_DELETED = new ArrayList<>();
  private static final List<String> POLL = new ArrayList<>();
  private static final List<String> LOCATION = new ArrayList<>();
  /** The last chars of {@link #EDITED} markers: a text ending otherwise has none of them. */
  private static final String EDITED_LAST_CHARS;
  /** The first chars of {@link #ADMIN_DELETED} prefixes: a text starting otherwise has none. */
  private static final String ADMIN_DELETED_FIRST_CHARS;
  /** The longest phrase in {@link #EXACT}, in chars. */
  private static final int EXACT_MAX_CHARS;
  /**
   * {@link #keyHash} of every key of {@link #EXACT}, in an open-addressed table (0 = empty, the
   * hash 0 is stored as {@link #SPECIAL_CASE}, which lookups never skip): most lines hash to none.
   */
  private static final int[] EXACT_HASHES;
  private static final Pattern ANDROID_ATTACHED;
  private static final Pattern IOS_ATTACHED;
  private static final Pattern OPTION;
  private static final Pattern AND;
  private static final Pattern OLD_IOS_ATTACHED =
      Pattern.compile("^(\\S.*\\.\\w{1,8}) <attached>$");
  private static final Pattern MAPS =
      Pattern.compile("^https://maps\\.google\\.com/\\?q=(-?\\d+(?:\\.\\d+)?),(-?\\d+(?:\\.\\d+)?)$");
  private static final Pattern VENUE_URL =
      Pattern.compile("^https://(?:foursquare\\.com|maps\\.google\\.com)/\\S*$");
  private static final Pattern IOS_VENUE =
      Pattern.compile("^(.+?) \\((.+)\\): (https://foursquare\\.com/\\S+)$");
  private static final Pattern DURATION = Pattern.compile(
      "(\\d+)\\s*(hr|hrs|hour|hours|h|min|mins|minute|minutes|sec|secs|second|seconds|s)\\b");
  /** The quotation marks a subject change puts around a name, as {@link Template} reads them. */
  private static final String QUOTES = "\"“”„«»「」『』";

  /** True if {@code s[0, end)} holds one of {@link #QUOTES}. */
  private static boolean hasQuote(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if ((c == '"' || c >= '\u00AB') && QUOTES.indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  static {
    List<String> attachedWords = new ArrayList<>();
    List<String> fileAttached = new ArrayList<>();
    List<String> options = new ArrayList<>();
    List<String> votes = new ArrayList<>();
    List<String> ands = new ArrayList<>();
    for (Language l : Language.ALL) {
      put(l.deleted(), Kind.DELETED);
      put(l.youDeleted(), Kind.YOU_DELETED);
      put(l.imageOmitted(), Kind.IMAGE);
      put(l.videoOmitted(), Kind.VIDEO);
      put(l.audioOmitted(), Kind.AUDIO);
      put(l.stickerOmitted(), Kind.STICKER);
      put(l.gifOmitted(), Kind.GIF);
      put(l.contactOmitted(), Kind.CONTACT);
      put(l.documentOmitted(), Kind.DOCUMENT);
      put(l.mediaOmitted(), Kind.MEDIA_OMITTED);
      put(l.liveLocation(), Kind.LIVE_LOCATION);
      put(l.waiting(), Kind.WAITING);
      put(l.missedVoice(), Kind.MISSED_VOICE);
      put(l.missedVideo(), Kind.MISSED_VIDEO);
      put(l.missedGroupVoice(), Kind.MISSED_GROUP_VOICE);
      put(l.missedGroupVideo(), Kind.MISSED_GROUP_VIDEO);
      put(l.voiceCall(), Kind.VOICE);
      put(l.videoCall(), Kind.VIDEO_CALL);
      SYSTEM.addAll(l.system());
      YOU.addAll(l.you());
      EDITED.addAll(l.edited());
      ADMIN_DELETED.addAll(l.deletedByAdmin());
      POLL.addAll(l.poll());
      LOCATION.addAll(l.location());
      attachedWords.addAll(l.attached());
      fileAttached.addAll(l.fileAttached());
      options.addAll(l.option());
      votes.addAll(l.votes());
      ands.addAll(l.and());
    }
    PHRASES = new SystemPhrases(SYSTEM);
    // The char filters below assume no empty marker or prefix (one would match every text).
    if (EDITED.stream().anyMatch(String::isEmpty)
        || ADMIN_DELETED.stream().anyMatch(String::isEmpty)) {
      throw new IllegalStateException("empty edit marker or admin-deletion prefix in Language");
    }
    StringBuilder lastChars = new StringBuilder();
    for (String m : EDITED) {
      lastChars.append(m.charAt(m.length() - 1));
    }
    StringBuilder firstChars = new StringBuilder();
    for (String p : ADMIN_DELETED) {
      firstChars.append(p.charAt(0));
    }
    EDITED_LAST_CHARS = lastChars.toString();
    ADMIN_DELETED_FIRST_CHARS = firstChars.toString();
    EXACT_MAX_CHARS = EXACT.keySet().stream().mapToInt(String::length).max().orElse(0);
    EXACT_HASHES = hashTable(EXACT.keySet().stream().mapToInt(BodyClassifier::keyHash).toArray());
    ANDROID_ATTACHED = Pattern.compile("^(.+?) \\((?:" + alternatives(fileAttached) + ")\\)$",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    IOS_ATTACHED = Pattern.compile("^(?:(.*?) ?)?< ?(?:" + alternatives(attachedWords)
        + ") ?: (.+?) ?>$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    OPTION = Pattern.compile("^(?:" + alternatives(options) + ") ?(.*?) \\((\\d+) (?:"
        + alternatives(votes) + ")\\)$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    AND = Pattern.compile(alternatives(ands.stream().distinct().toList()));
  }

  private static void put(List<String> phrases, Kind kind) {
    for (String p : phrases) {
      EXACT.putIfAbsent(key(p), kind);
    }
  }

  private static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String alternatives(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append('|');
      }
      sb.append(Pattern.quote(w));
    }
    return sb.toString();
  }

  /** Whether a name is the exporter's own "you" in any supported language. */
  static boolean isYou(String name) {
    return name != null && YOU.contains(name.strip());
  }

  /** Reads one entry. {@code continuation} are the following non-header lines, as written. */
  Entry classify(int first, int last, LocalDateTime time, String sourceTime, Header.Family family,
      String rest, List<String> continuation) {
    String body = join(rest, continuation);
    int colon = rest.indexOf(": ");
    if (family.iosStyle()) {
      if (colon < 0) {
        return system(first, last, time, sourceTime, null, body, Text.clean(body).strip());
      }
      String msg = join(rest.substring(colon + 2), continuation);
      if (Text.startsWithMark(msg) && continuation.isEmpty()) {
        String cleaned = Text.clean(msg).strip();
        SystemEntry s = matchSystem(first, last, time, sourceTime, rest.substring(0, colon), body,
            cleaned);
        if (s != null) {
          return s;
        }
      }
      return message(first, last, time, sourceTime, author(rest, colon), body, msg, continuation,
          true);
    }
    if (colon < 0) {
      return system(first, last, time, sourceTime, null, body, Text.clean(body).strip());
    }
    // A system line can hold ": " only inside a quoted name (a subject change); test those alone,
    // so ordinary messages do not pay for the phrase tables.
    if (hasQuote(rest, colon)) {
      SystemEntry s = matchSystem(first, last, time, sourceTime, null, body,
          Text.clean(body).strip());
      if (s != null) {
        return s;
      }
    }
    String msg = join(rest.substring(colon + 2), continuation);
    return message(first, last, time, sourceTime, author(rest, colon), body, msg, continuation,
        false);
  }

  /** Most distinct authors {@link #author} keeps per classifier (a group has at most 1,024 members). */
  static final int REMEMBERED_AUTHORS = 4096;

  /**
   * Authors read by this classifier: as written ({@code authorRaw}) and cleaned
   * ({@code authorClean}), in an open-addressed table by the hash of the text as written. A chat
   * has a few hundred authors and every message keeps one: an author read before is found without
   * cutting it out of the line, and every entry of that author holds the same string.
   */
  private String[] authorRaw = new String[256];
  private String[] authorClean = new String[256];
  private int authorCount;

  /** {@code cleanAuthor(rest.substring(0, colon))}, the same string for the same author. */
  private String author(String rest, int colon) {
    int h = 0;
    for (int i = 0; i < colon; i++) {
      h = 31 * h + rest.charAt(i);
    }
    int mask = authorRaw.length - 1;
    int slot = (h ^ (h >>> 16)) & mask;
    for (String raw = authorRaw[slot]; raw != null; raw = authorRaw[slot]) {
      if (raw.length() == colon && rest.startsWith(raw)) {
        return authorClean[slot];
      }
      slot = (slot + 1) & mask;
    }
    String raw = rest.substring(0, colon);
    String clean = cleanAuthor(raw);
    if (authorCount < REMEMBERED_AUTHORS) {
      authorRaw[slot] = raw;
      authorClean[slot] = clean;
      if (++authorCount * 2 > authorRaw.length) {
        growAuthors();
      }
    }
    return clean;
  }

  private void growAuthors() {
    String[] oldRaw = authorRaw;
    String[] oldClean = authorClean;
    authorRaw = new String[oldRaw.length * 2];
    authorClean = new String[oldRaw.length * 2];
    int mask = authorRaw.length - 1;
    for (int i = 0; i < oldRaw.length; i++) {
      if (oldRaw[i] != null) {
        int h = oldRaw[i].hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        while (authorRaw[slot] != null) {
          slot = (slot + 1) & mask;
        }
        authorRaw[slot] = oldRaw[i];
        authorClean[slot] = oldClean[i];
      }
    }
  }

  private static String join(String first, List<String> more) {
    if (more.isEmpty()) {
      return first;
    }
    StringBuilder sb = new StringBuilder(first);
    for (String s : more) {
      sb.append('\n').append(s);
    }
    return sb.toString();
  }

  /** Author as written, with the format's own marks removed (bidi controls, the unsaved-name tilde). */
  static String cleanAuthor(String author) {
    int k = 0;
    while (k < author.length() && !Text.isInvisible(author.charAt(k))) {
      k++;
    }
    if (k == author.length()) { // most names hold no marks: no copy
      return author.length() > 2 && author.charAt(0) == '~'
          && Character.isSpaceChar(author.charAt(1)) ? author.substring(2) : author;
    }
    StringBuilder sb = new StringBuilder(author.length());
    for (int i = 0; i < author.length(); i++) {
      char c = author.charAt(i);
      if (!Text.isInvisible(c)) {
        sb.append(c);
      }
    }
    String s = sb.toString();
    if (s.length() > 2 && s.charAt(0) == '~' && Character.isSpaceChar(s.charAt(1))) {
      s = s.substring(2);
    }
    return s;
  }

  /** Most system lines {@link #remembered} per classifier. */
  static final int REMEMBERED_SYSTEM_LINES = 4096;

  /**
   * System lines without an author already read by this classifier, by body: the in-memory parse
   * shares one classifier between its passes, so pass 2 does not try the templates again on the
   * lines pass 1 read. What an entry holds besides its place and time depends on the body alone.
   */
  private final Map<String, SystemEntry> remembered = new HashMap<>();

  private SystemEntry system(int first, int last, LocalDateTime time, String sourceTime,
      String author, String body, String cleaned) {
    if (author == null) {
      SystemEntry r = remembered.get(body);
      if (r != null) {
        return new SystemEntry(first, last, time, sourceTime, null, body, r.event(), r.actor(),
            r.actorIsYou(), r.subjects() == null ? null : new ArrayList<>(r.subjects()),
            r.subjectIsYou(), r.text(),
            r.detail() == null ? null : new LinkedHashMap<>(r.detail()));
      }
    }
    SystemEntry s = matchSystem(first, last, time, sourceTime, author, body, cleaned);
    if (s == null) {
      s = new SystemEntry(first, last, time, sourceTime, author, body, Event.OTHER, null, false,
          null, false, Text.stripLeadingMarks(body), null);
    }
    if (author == null && remembered.size() < REMEMBERED_SYSTEM_LINES) {
      remembered.put(body, s);
    }
    return s;
  }

  private SystemEntry matchSystem(int first, int last, LocalDateTime time, String sourceTime,
      String author, String body, String cleaned) {
    List<Template> templates = PHRASES.templates();
    boolean[] candidates = PHRASES.candidates(cleaned);
    for (int ti = 0; ti < candidates.length; ti++) {
      if (!candidates[ti]) {
        continue;
      }
      Template t = templates.get(ti);
      Matcher m = t.match(cleaned);
      if (m == null) {
        continue;
      }
      String actor = null;
      List<String> subjects = new ArrayList<>();
      Map<String, String> detail = new LinkedHashMap<>();
      for (int g = 0; g < t.roles().size(); g++) {
        String v = m.group(g + 1);
        switch (t.roles().get(g)) {
          case "actor" -> actor = v.strip();
          case "subject" -> subjects.add(v.strip());
          case "subjects" -> {
            for (String part : AND.split(v)) {
              if (!part.isBlank()) {
                subjects.add(part.strip());
              }
            }
          }
          case "from" -> detail.put("from", v.strip());
          case "to" -> detail.put("to", v.strip());
          default -> throw new IllegalStateException("unknown role " + t.roles().get(g));
        }
      }
      if (author != null) {
        detail.put("shown_as", cleanAuthor(author));
      }
      boolean actorYou = t.actorIsYou() || isYou(actor);
      boolean subjectYou = t.subjectIsYou();
      if (subjects.size() == 1 && isYou(subjects.get(0))) {
        subjectYou = true;
        subjects.clear();
      }
      String text = author == null ? Text.stripLeadingMarks(body)
          : Text.stripLeadingMarks(body.substring(body.indexOf(": ") + 2));
      return new SystemEntry(first, last, time, sourceTime, author == null ? null : author, body,
          t.event(), actorYou ? null : actor, actorYou, subjects, subjectYou, text, detail);
    }
    return null;
  }

  private Entry message(int first, int last, LocalDateTime time, String sourceTime, String author,
      String body, String msg, List<String> continuation, boolean ios) {
    String firstLine = continuation.isEmpty() ? msg : msg.substring(0, msg.indexOf('\n'));
    // iOS marks placeholders with a leading LRM; old iOS put it inside the angle bracket.
    boolean marked = !ios || Text.startsWithMark(firstLine)
        || (firstLine.length() > 1 && firstLine.charAt(0) == '<' && firstLine.charAt(1) == Text.LRM);
    String text = msg;
    boolean edited = false;
    String cleanAll = Text.clean(msg).stripTrailing();
    boolean mayBeEdited = !cleanAll.isEmpty()
        && EDITED_LAST_CHARS.indexOf(cleanAll.charAt(cleanAll.length() - 1)) >= 0;
    // Guarded loops: iterating an empty list would still allocate an iterator per message.
    for (int mi = 0; mayBeEdited && mi < EDITED.size(); mi++) {
      String marker = EDITED.get(mi);
      if (cleanAll.endsWith(marker)) {
        int cut = msg.lastIndexOf('<');
        if (cut >= 0) {
          String kept = msg.substring(0, cut);
          int end = kept.length();
          while (end > 0 && (Character.isWhitespace(kept.charAt(end - 1))
              || Text.isInvisible(kept.charAt(end - 1)) || Text.isOddSpace(kept.charAt(end - 1)))) {
            end--;
          }
          text = kept.substring(0, end);
          edited = true;
          if (continuation.isEmpty()) {
            firstLine = text;
          }
        }
        break;
      }
    }
    // One line, not cut by an edit marker: firstLine is msg, already cleaned above.
    String clean0 = firstLine == msg ? cleanAll.stripLeading() : Text.clean(firstLine).strip();
    String caption = continuation.isEmpty() ? null : String.join("\n", continuation);
    String unwrapped = clean0.length() > 2 && clean0.startsWith("<") && clean0.endsWith(">")
        && !clean0.startsWith("< ") ? clean0.substring(1, clean0.length() - 1) : clean0;
    Kind kind = exact(clean0);
    if (kind == null && unwrapped != clean0) {
      kind = exact(unwrapped);
    }
    if (kind == null && marked && continuation.isEmpty()) {
      kind = callPrefix(clean0);
    }
    if (kind != null && (marked || kind == Kind.MEDIA_OMITTED)) {
      switch (kind) {
        case MEDIA_OMITTED -> {
          return msg(first, last, time, sourceTime, author, body, caption,
              List.of(new MediaRef(null, true, null, caption)), edited, false, null, false, null,
              null, false, false);
        }
        case IMAGE, VIDEO, AUDIO, STICKER, GIF, CONTACT, DOCUMENT -> {
          if (continuation.isEmpty()) {
            String hint = kind.name().toLowerCase(Locale.ROOT);
            return msg(first, last, time, sourceTime, author, body, null,
                List.of(new MediaRef(null, true, hint, null)), edited, false, null,
                kind == Kind.CONTACT, null, null, kind == Kind.STICKER, false);
          }
        }
        case DELETED, YOU_DELETED -> {
          if (continuation.isEmpty()) {
            return msg(first, last, time, sourceTime, author, body, Text.stripLeadingMarks(msg),
                List.of(), false, true, null, false, null, null, false, false);
          }
        }
        case LIVE_LOCATION -> {
          if (continuation.isEmpty()) {
            return msg(first, last, time, sourceTime, author, body, null, List.of(), edited, false,
                new Location(null, null, null, null, null, true), false, null, null, false, false);
          }
        }
        case WAITING -> {
          return msg(first, last, time, sourceTime, author, body, Text.stripLeadingMarks(msg),
              List.of(), false, false, null, false, null, null, false, false);
        }
        case MISSED_VOICE, MISSED_VIDEO, MISSED_GROUP_VOICE, MISSED_GROUP_VIDEO, VOICE, VIDEO_CALL -> {
          if (continuation.isEmpty()) {
            return call(first, last, time, sourceTime, author, body, kind, clean0,
                Text.stripLeadingMarks(msg));
          }
        }
      }
    }
    if (kind == null && continuation.isEmpty() && !ios && msg.equals("null")) {
      return msg(first, last, time, sourceTime, author, body, null, List.of(), false, false, null,
          false, null, null, false, true);
    }
    if (kind == null && marked && continuation.isEmpty()) {
      boolean mayBeAdminDeleted = !clean0.isEmpty()
          && ADMIN_DELETED_FIRST_CHARS.indexOf(clean0.charAt(0)) >= 0;
      for (int pi = 0; mayBeAdminDeleted && pi < ADMIN_DELETED.size(); pi++) {
        if (clean0.startsWith(ADMIN_DELETED.get(pi))) {
          return msg(first, last, time, sourceTime, author, body, Text.stripLeadingMarks(msg),
              List.of(), false, true, null, false, null, null, false, false);
        }
      }
      if (clean0.endsWith(" document omitted") || clean0.endsWith("document omitted")) {
        int dot = clean0.indexOf(" • ");
        String name = dot > 0 ? clean0.substring(0, dot) : null;
        return msg(first, last, time, sourceTime, author, body, null,
            List.of(new MediaRef(name, true, "document", null)), edited, false, null, false, null,
            null, false, false);
      }
    }
    // Attachments: the name is taken from the original text so it matches the zip entry exactly.
    // The pattern ends with ")": checking that first spares most messages the regular expression.
    Matcher a = clean0.endsWith(")") ? ANDROID_ATTACHED.matcher(clean0) : null;
    if (a != null && a.matches()) {
      String name = Text.clean(a.group(1)).strip();
      return attachment(first, last, time, sourceTime, author, body, name, caption, edited);
    }
    if (clean0.indexOf('<') >= 0) {
      Matcher i = IOS_ATTACHED.matcher(clean0);
      if (i.matches()) {
        return attachment(first, last, time, sourceTime, author, body, i.group(2).strip(), caption,
            edited);
      }
      Matcher o = OLD_IOS_ATTACHED.matcher(clean0);
      if (o.matches()) {
        return attachment(first, last, time, sourceTime, author, body, o.group(1), caption, edited);
      }
    }
    if (!continuation.isEmpty() && POLL.contains(clean0)) {
      Poll poll = poll(continuation);
      if (poll != null) {
        return msg(first, last, time, sourceTime, author, body, null, List.of(), edited, false,
            null, false, null, poll, false, false);
      }
    }
    Location loc = location(clean0, continuation);
    if (loc != null) {
      return msg(first, last, time, sourceTime, author, body, null, List.of(), edited, false, loc,
          false, null, null, false, false);
    }
    return msg(first, last, time, sourceTime, author, body, text, List.of(), edited, false, null,
        false, null, null, false, false);
  }

  /**
   * The phrase kind of a whole first line, or null. Lower-casing never shortens a string, so a line
   * longer than the longest phrase is none, without lower-casing it (most messages).
   */
  private static Kind exact(String s) {
    if (s.length() > EXACT_MAX_CHARS + 1) {
      return null;
    }
    int n = s.endsWith(".") ? s.length() - 1 : s.length();
    if (!mayBeKey(s, n)) {
      return null;
    }
    int h = lowerHash(s, n);
    if (h != SPECIAL_CASE && !inTable(EXACT_HASHES, h)) {
      return null;
    }
    return EXACT.get(key(stripDot(s)));
  }

  private static int[] hashTable(int[] hashes) {
    int size = Integer.highestOneBit(Math.max(16, hashes.length * 4) - 1) << 1;
    int[] table = new int[size];
    for (int h : hashes) {
      int v = h == 0 ? SPECIAL_CASE : h;
      int i = mix(v) & (size - 1);
      while (table[i] != 0 && table[i] != v) {
        i = (i + 1) & (size - 1);
      }
      table[i] = v;
    }
    return table;
  }

  private static boolean inTable(int[] table, int h) {
    int v = h == 0 ? SPECIAL_CASE : h;
    int i = mix(v) & (table.length - 1);
    while (table[i] != 0) {
      if (table[i] == v) {
        return true;
      }
      i = (i + 1) & (table.length - 1);
    }
    return false;
  }

  private static int mix(int h) {
    return (h ^ (h >>> 16)) * 0x45d9f3b;
  }

  /** {@link #exact} as the kind's name, or null: for the property that checks the hash path. */
  static String exactKind(String s) {
    Kind k = exact(s);
    return k == null ? null : k.name();
  }

  /** {@link #exactKind} by the map alone, without the hash: the reference it is tested against. */
  static String exactKindByMap(String s) {
    Kind k = s.length() > EXACT_MAX_CHARS + 1 ? null : EXACT.get(key(stripDot(s)));
    return k == null ? null : k.name();
  }

  /** What {@link #lowerHash} returns for text whose lower case is not char by char. */
  private static final int SPECIAL_CASE = 0x5ca1ab1e;

  /**
   * One bit per {@link #ends} of every key of {@link #EXACT} (a Bloom filter of one hash): most
   * short messages start or end with a letter pair no phrase has, found without lower-casing them.
   */
  private static final long[] KEY_ENDS = new long[1 << 10];

  static {
    for (String k : EXACT.keySet()) {
      if (!k.isEmpty()) {
        int b = ends(k.charAt(0), k.charAt(k.length() - 1));
        KEY_ENDS[b >>> 6] |= 1L << b;
      }
    }
  }

  /** A bit for a first and last char. */
  private static int ends(char first, char last) {
    return ((first * 0x9E37) ^ (last * 0x85EB)) & 0xFFFF;
  }

  /**
   * False if {@code key(s[0, n))} cannot be a key of {@link #EXACT}: its first and last chars
   * (lowered char by char, which is what {@link String#toLowerCase} does with them unless one is a
   * surrogate, a capital sigma or a dotted capital I at the end, where this says true) are no
   * key's.
   */
  private static boolean mayBeKey(String s, int n) {
    if (n == 0) {
      return true;
    }
    char first = s.charAt(0);
    char last = s.charAt(n - 1);
    if (Character.isSurrogate(first) || Character.isSurrogate(last) || first == '\u03A3'
        || last == '\u03A3' || last == '\u0130') {
      return true;
    }
    int b = ends(Character.toLowerCase(first), Character.toLowerCase(last));
    return (KEY_ENDS[b >>> 6] & (1L << b)) != 0;
  }

  /** The hash {@link #lowerHash} gives any string whose {@link #key} is {@code k}. */
  private static int keyHash(String k) {
    int h = 0;
    for (int i = 0; i < k.length(); i++) {
      h = 31 * h + k.charAt(i);
    }
    return h == SPECIAL_CASE ? h + 1 : h;
  }

  /**
   * A hash of {@code s[0, n)} lower-cased char by char, equal to {@link #keyHash} of
   * {@code key(s[0, n))} (no string is built), or {@link #SPECIAL_CASE} when {@code s} holds a char
   * that {@link String#toLowerCase} does not lower char by char (dotted capital I, capital sigma),
   * so the caller looks it up the slow way. A surrogate pair is lowered as its code point, a lone
   * surrogate stays as it is, as {@link String#toLowerCase} does.
   */
  private static int lowerHash(String s, int n) {
    int h = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\u0130' || c == '\u03A3') {
        return SPECIAL_CASE;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        // String.toLowerCase lowers a pair as its code point (emoji are their own lower case).
        int lower = Character.toLowerCase(Character.toCodePoint(c, s.charAt(++i)));
        if (Character.isBmpCodePoint(lower)) {
          h = 31 * h + lower;
        } else {
          h = 31 * (31 * h + Character.highSurrogate(lower)) + Character.lowSurrogate(lower);
        }
        continue;
      }
      h = 31 * h + Character.toLowerCase(c);
    }
    return h == SPECIAL_CASE ? h + 1 : h;
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** Calls written with a suffix: "Missed voice call, Tap to call back", "Voice call, 12 min". */
  private static Kind callPrefix(String clean) {
    int comma = clean.indexOf(", ");
    if (comma < 0 || comma > EXACT_MAX_CHARS) {
      return null; // lower-casing never shortens: a longer prefix is no phrase
    }
    if (!mayBeKey(clean, comma)) {
      return null;
    }
    int h = lowerHash(clean, comma);
    if (h != SPECIAL_CASE && !inTable(EXACT_HASHES, h)) {
      return null;
    }
    Kind k = EXACT.get(key(clean.substring(0, comma)));
    if (k == null) {
      return null;
    }
    return switch (k) {
      case MISSED_VOICE, MISSED_VIDEO, MISSED_GROUP_VOICE, MISSED_GROUP_VIDEO, VOICE, VIDEO_CALL -> k;
      default -> null;
    };
  }

  private static Entry call(int first, int last, LocalDateTime time, String sourceTime,
      String author, String body, Kind kind, String clean, String text) {
    Call.Media media = switch (kind) {
      case MISSED_VIDEO, MISSED_GROUP_VIDEO, VIDEO_CALL -> Call.Media.VIDEO;
      default -> Call.Media.VOICE;
    };
    boolean missed = kind != Kind.VOICE && kind != Kind.VIDEO_CALL;
    boolean group = kind == Kind.MISSED_GROUP_VOICE || kind == Kind.MISSED_GROUP_VIDEO;
    Long duration = null;
    int comma = clean.indexOf(", ");
    if (!missed && comma > 0) {
      Matcher d = DURATION.matcher(clean.substring(comma + 2));
      long total = 0;
      boolean any = false;
      while (d.find()) {
        any = true;
        long n = Long.parseLong(d.group(1));
        String unit = d.group(2);
        total += unit.startsWith("h") ? n * 3600 : unit.startsWith("m") ? n * 60 : n;
      }
      duration = any ? total : null;
    }
    return new CallEntry(first, last, time, sourceTime, author, body, media,
        missed ? Call.Status.MISSED : Call.Status.COMPLETED, duration, group, text);
  }

  private static Entry attachment(int first, int last, LocalDateTime time, String sourceTime,
      String author, String body, String name, String caption, boolean edited) {
    String lower = name.toLowerCase(Locale.ROOT);
    boolean contact = lower.endsWith(".vcf");
    boolean sticker = lower.startsWith("stk-") || lower.contains("-sticker-");
    String contactName = null;
    if (contact) {
      String base = name.substring(0, name.length() - 4);
      contactName = base.matches("^\\d{8}-.*") ? base.substring(9) : base;
    }
    return new MessageEntry(first, last, time, sourceTime, author, body, caption,
        List.of(new MediaRef(name, false, null, caption)), edited, false, null, contact,
        contactName, null, sticker, false);
  }

  private static Poll poll(List<String> lines) {
    if (lines.size() < 2) {
      return null;
    }
    String question = lines.get(0);
    List<Poll.Option> options = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      Matcher m = OPTION.matcher(Text.clean(lines.get(i)).strip());
      if (!m.matches()) {
        return null;
      }
      options.add(new Poll.Option(m.group(1), Long.parseLong(m.group(2))));
    }
    return new Poll(question, options);
  }

  private static Location location(String clean0, List<String> continuation) {
    if (continuation.isEmpty()) {
      if (!clean0.contains("https://")) {
        return null; // both shapes below end in a URL
      }
      for (String prefix : LOCATION) {
        if (clean0.regionMatches(true, 0, prefix, 0, prefix.length())) {
          String url = clean0.substring(prefix.length()).strip();
          Matcher m = MAPS.matcher(url);
          if (m.matches()) {
            return new Location(m.group(1), m.group(2), null, null, url, false);
          }
        }
      }
      // A venue holds "): https://foursquare.com/"; only then is the pattern tried.
      Matcher v = clean0.contains("): https://foursquare.com/") ? IOS_VENUE.matcher(clean0) : null;
      if (v != null && v.matches()) {
        return new Location(null, null, v.group(1), v.group(2), v.group(3), false);
      }
      return null;
    }
    if (continuation.size() > 2) {
      return null;
    }
    String lastLine = Text.clean(continuation.get(continuation.size() - 1)).strip();
    if (!lastLine.contains("https://")) {
      return null; // a venue's last line is a URL
    }
    for (String prefix : LOCATION) {
      if (lastLine.regionMatches(true, 0, prefix, 0, prefix.length())) {
        lastLine = lastLine.substring(prefix.length()).strip();
        break;
      }
    }
    if (!lastLine.startsWith("https://") || !VENUE_URL.matcher(lastLine).matches()) {
      return null;
    }
    String address = continuation.size() == 2 ? continuation.get(0) : null;
    Matcher m = MAPS.matcher(lastLine);
    return new Location(m.matches() ? m.group(1) : null, m.matches() ? m.group(2) : null, clean0,
        address, lastLine, false);
  }

  private static MessageEntry msg(int first, int last, LocalDateTime time, String sourceTime,
      String author, String body, String text, List<MediaRef> media, boolean edited,
      boolean deleted, Location location, boolean contact, String contactName, Poll poll,
      boolean sticker, boolean viewOnce) {
    return new MessageEntry(first, last, time, sourceTime, author, body, text, media, edited,
        deleted, location, contact, contactName, poll, sticker, viewOnce);
  }
}
