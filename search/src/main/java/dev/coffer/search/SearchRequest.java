package dev.coffer.search;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A search: query text plus filters, a page and an order. Build with {@link #builder()}.
 *
 * @param query classic Lucene query syntax over the message text (terms, {@code "phrases"},
 *     {@code AND}/{@code OR}/{@code NOT}, {@code +}/{@code -}, wildcards {@code dea*}, {@code te?t},
 *     fuzzy {@code color~}, proximity {@code "buy shares"~3}, {@code phone:NUMBER}); terms are combined
 *     with AND unless an operator says otherwise. A phone number in any notation is recognized and
 *     matched in its E.164 form. Blank means every record that passes the filters
 * @param from sender filter: a phone number in any notation, a handle (exact), or a name (the words
 *     in order, case and accents ignored); null for any sender
 * @param conversation a conversation id, or a conversation title (case-insensitive, whole title)
 * @param channel e.g. {@code whatsapp} (case-insensitive)
 * @param since inclusive lower bound on the record's time; null for none
 * @param until exclusive upper bound on the record's time; null for none
 * @param kinds record kinds to include ({@code message}, {@code system}, …); empty for all
 * @param hasAttachment true: only messages with attachments; false: only records without; null: any
 * @param offset hits to skip (for shallow pages; use {@link #after} for deep paging)
 * @param limit hits to return, 1..1000
 * @param sort relevance (score, then serial) or time, newest or oldest first
 * @param after the {@link SearchResults#nextCursor()} of the previous page, or null for the first
 * @param highlightPre text put before each highlighted match in snippets
 * @param highlightPost text put after each highlighted match in snippets
 * @param within conversation ids the search is confined to (an information barrier: records outside
 *     them, and records in no conversation, never match); null for no confinement, empty for nothing
 * @param direction only records sent by the firm's side ({@link Direction#OUTBOUND}) or to it
 *     ({@link Direction#INBOUND}); null for either. Records without a sender (and audit records) have
 *     no direction and match neither
 * @param firmHandles the handles of the firm's side besides what records show themselves (the
 *     directory's employees: E.164 numbers, WhatsApp numbers, OpenIDs, WeCom user ids); a record whose
 *     sender has one of them is outbound. Empty when no directory is known
 */
public record SearchRequest(
    String query,
    String from,
    String conversation,
    String channel,
    Instant since,
    Instant until,
    Set<String> kinds,
    Boolean hasAttachment,
    int offset,
    int limit,
    Sort sort,
    String after,
    String highlightPre,
    String highlightPost,
    Set<String> within,
    Direction direction,
    Set<String> firmHandles) {

  /** The record kinds a filter may name. */
  public static final Set<String> KINDS = Set.of("message", "system", "call", "reaction", "edit",
      "delete", "receipt", "consent", "unparsed", "audit");

  /** Which way a record went, seen from the firm: sent by its side, or to it. */
  public enum Direction {
    INBOUND,
    OUTBOUND;

    /** {@code inbound} / {@code outbound}, or null for blank; fails naming the value otherwise. */
    public static Direction parse(String s) {
      if (s == null || s.isBlank()) {
        return null;
      }
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "inbound", "in" -> INBOUND;
        case "outbound", "out" -> OUTBOUND;
        default -> throw new IllegalArgumentException("direction: '" + s + "' is not inbound or outbound");
      };
    }

    /** As the index and the audit trail write it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Result order. */
  public enum Sort {
    /** Best match first; ties (and a blank query, where all scores tie) by serial. */
    RELEVANCE,
    /** Latest record time first. */
    NEWEST,
    /** Earliest record time first. */
    OLDEST
  }

  public SearchRequest {
    query = query == null ? "" : query;
    kinds = kinds == null ? Set.of() : Set.copyOf(new TreeSet<>(kinds));
    for (String k : kinds) {
      if (!KINDS.contains(k)) {
        throw new IllegalArgumentException("kinds: '" + k + "' is not a record kind; one of " + new TreeSet<>(KINDS));
      }
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " is negative");
    }
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit: " + limit + " is outside 1..1000");
    }
    if (offset > 0 && after != null) {
      throw new IllegalArgumentException("offset: " + offset + " cannot be combined with a cursor (after)");
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("since: " + since + " is not before until: " + until);
    }
    Objects.requireNonNull(sort, "sort");
    highlightPre = highlightPre == null ? "«" : highlightPre;
    highlightPost = highlightPost == null ? "»" : highlightPost;
    channel = channel == null || channel.isBlank() ? null : channel.strip().toLowerCase(Locale.ROOT);
    from = from == null || from.isBlank() ? null : from.strip();
    conversation = conversation == null || conversation.isBlank() ? null : conversation.strip();
    within = within == null ? null : Set.copyOf(within);
    firmHandles = firmHandles == null ? Set.of() : Set.copyOf(firmHandles);
  }

  /** A request for {@code query} with default settings (first 20 hits by relevance). */
  public static SearchRequest of(String query) {
    return builder().query(query).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder positioned after this request's page: same search, next page by cursor. */
  public Builder toBuilder() {
    return new Builder().query(query).from(from).conversation(conversation).channel(channel)
        .since(since).until(until).kinds(kinds).hasAttachment(hasAttachment).offset(offset)
        .limit(limit).sort(sort).after(after).highlight(highlightPre, highlightPost).within(within)
        .direction(direction).firmHandles(firmHandles);
  }

  /** Builds a {@link SearchRequest}; defaults: blank query, no filters, offset 0, limit 20, relevance. */
  public static final class Builder {
    private String query = "";
    private String from;
    private String conversation;
    private String channel;
    private Instant since;
    private Instant until;
    private Set<String> kinds = Set.of();
    private Boolean hasAttachment;
    private int offset;
    private int limit = 20;
    private Sort sort = Sort.RELEVANCE;
    private String after;
    private String highlightPre;
    private String highlightPost;
    private Set<String> within;
    private Direction direction;
    private Set<String> firmHandles;

    private Builder() {}

    public Builder query(String v) { query = v; return this; }
    public Builder from(String v) { from = v; return this; }
    public Builder conversation(String v) { conversation = v; return this; }
    public Builder channel(String v) { channel = v; return this; }
    public Builder since(Instant v) { since = v; return this; }
    public Builder until(Instant v) { until = v; return this; }
    public Builder kinds(Set<String> v) { kinds = v; return this; }
    public Builder kinds(String... v) { kinds = Set.of(v); return this; }
    public Builder hasAttachment(Boolean v) { hasAttachment = v; return this; }
    public Builder offset(int v) { offset = v; return this; }
    public Builder limit(int v) { limit = v; return this; }
    public Builder sort(Sort v) { sort = v; return this; }
    public Builder after(String cursor) { after = cursor; return this; }
    public Builder highlight(String pre, String post) { highlightPre = pre; highlightPost = post; return this; }

    /** Confines the search to these conversation ids (null: no confinement; empty: nothing matches). */
    public Builder within(Set<String> conversationIds) { within = conversationIds; return this; }

    /** Only inbound or outbound records (null: either). */
    public Builder direction(Direction v) { direction = v; return this; }

    /** The firm's handles from the directory, which make a sender's records outbound. */
    public Builder firmHandles(Set<String> v) { firmHandles = v; return this; }

    public SearchRequest build() {
      return new SearchRequest(query, from, conversation, channel, since, until, kinds,
          hasAttachment, offset, limit, sort, after, highlightPre, highlightPost, within, direction, firmHandles);
    }
  }
}
