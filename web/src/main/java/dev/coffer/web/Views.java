package dev.coffer.web;

import java.util.List;

/**
 * The data each page template shows, already formatted (times in the viewer's zone, URLs built,
 * snippets split into plain and highlighted parts). Templates escape every value; none of these
 * carries HTML.
 */
public final class Views {
  private Views() {}

  /** What every page's frame needs; {@code admin}: the user may view the admin page (everyone but reviewers). */
  public record Frame(String title, String user, String role, String csrf, boolean admin, boolean audit,
      String active, String breakGlassUntil, String zone, String flash) {
    public boolean signedIn() {
      return user != null;
    }
  }

  /** A choice in a select box. */
  public record Option(String value, String label, boolean selected) {}

  /** Part of a snippet: plain text or a highlighted match. */
  public record Segment(String text, boolean hit) {}

  /** A line of conversation shown around a search hit. */
  public record ContextLine(String sender, String text, String time) {}

  /** One search hit. */
  public record HitView(String recordUrl, String aroundUrl, String conversationTitle, String channel, String kind,
      String sender, String time, String utc, List<Segment> snippet, List<ContextLine> before,
      List<ContextLine> after) {}

  /** A saved search. */
  public record Saved(String label, String url) {}

  /** The search page. */
  public record SearchView(String q, String from, String conversation, String channel, String direction, String since, String until,
      String attachment, String kind, String sort, List<Option> conversations, List<Option> channels,
      List<Option> kinds, boolean searched, String error, String total, List<HitView> hits, String nextUrl,
      String firstUrl, List<Saved> saved, String queryString, boolean confined) {}

  /** An attachment as shown in a bubble. */
  public record AttachmentView(String url, String downloadUrl, String name, String kind, String mediaType,
      String size, String caption, boolean missing) {
    public boolean image() { return "image".equals(kind); }
    public boolean audio() { return "audio".equals(kind); }
    public boolean video() { return "video".equals(kind); }
  }

  /** An earlier text of an edited message. */
  public record Version(String time, String text) {}

  /** A reaction group: one emoji with who gave it. */
  public record ReactionView(String emoji, int count, String who) {}

  /** A quoted message a reply points at. */
  public record Quote(String sender, String text, String anchor) {}

  /**
   * One line of a conversation: a day separator, a message bubble, or an event (system, call,
   * consent, unparsed, or an annotation whose message is not on this page).
   */
  public record Item(String type, String anchor, String recordUrl, String day, boolean own, String sender,
      int colour, boolean showSender, String time, String utc, String text, boolean textDeleted,
      List<Version> earlier, String deletedBy, String deletedTime, List<AttachmentView> attachments,
      List<ReactionView> reactions, Quote quote, List<String> receipts, List<String> flags, boolean target,
      String eventIcon, boolean sticker) {
    public boolean isDay() { return "day".equals(type); }
    public boolean isMessage() { return "message".equals(type); }
    public boolean isEvent() { return "event".equals(type); }
    public boolean edited() { return earlier != null && !earlier.isEmpty(); }
    public boolean deleted() { return deletedBy != null; }
  }

  /** A conversation page. */
  public record ConversationView(String id, String title, String channel, String style, boolean group,
      List<Option> perspectives, List<Item> items, String olderUrl, String newerUrl, String firstUrl,
      String lastUrl, long total, String range, String dateValue, String zone) {}

  /** An attachment listed on the record page. */
  public record FileLink(String url, String name, String mediaType, String size, String sha256) {}

  /** The record detail page. */
  public record RecordView(String id, long serial, String digest, String kind, String channel, String conversationUrl,
      String conversationTitle, String sentAt, String archivedAt, String json, String connector, String nativeId,
      String raw, String range, String zone, long checkpointSize, String checkpointRoot, String checkpointTime,
      String proofUrl, List<FileLink> files, boolean proofAvailable) {}

  /** A user row on the admin page. */
  public record UserRow(String name, String role, boolean totp, boolean totpRequired, boolean disabled,
      boolean mustChange, String people, String conversations, String conversationTitles, String channels,
      List<Option> roles) {}

  /** The admin page. */
  public record AdminView(List<UserRow> users, List<Option> roles, String issuedFor, String issuedPassword,
      long archiveSize, String checkpointRoot, String checkpointTime, String verifyStatus, String verifyTime,
      boolean verifyOk, long searchable, List<Option> conversations, String error, boolean administers,
      List<ConnectorRow> connectors, RetentionView retention) {}

  /** One connector's capture health on the admin page (counters only, never content). */
  public record ConnectorRow(String name, String lastRecord, long records, long duplicates, long unparsed,
      long signatureFailures, long refused, long failures, long mediaPending, long sequenceGaps, String lag,
      String window, boolean silent, long alerts) {}

  /** Retention and legal holds on the admin page, read from the archive's retention ledger. */
  public record RetentionView(int policyVersion, List<String> floors, String maximum, String defaultClass,
      List<String> rules, List<PolicyRow> history, List<HoldRow> activeHolds, List<HoldRow> releasedHolds,
      int restricted, int disposed) {}

  /** One archived retention policy version. */
  public record PolicyRow(int version, String at, String by, String reason) {}

  /** One legal hold; {@code released} is empty while it is active. */
  public record HoldRow(String id, String matter, String reason, String scopes, String created, String createdBy,
      String released, String releasedBy, String releaseReason) {}

  /** An audit record as a row. */
  public record AuditRow(String time, String utc, String who, String action, String targets, String detail,
      String address, String recordUrl) {}

  /** The audit page. */
  public record AuditView(String q, String action, List<Option> actions, List<AuditRow> rows, String total,
      String nextUrl, String error) {}

  /** The account page: password, second factor. */
  public record AccountView(String name, String role, boolean mustChange, boolean totpEnrolled, boolean totpRequired,
      String totpSecret, String totpUri, String error, String message) {}

  /** The sign-in pages. */
  public record SignInView(String error, String name, boolean totpStep) {}

  /** The break-glass page. */
  public record BreakGlassView(String error, String minutes) {}

  /** An error page. */
  public record ErrorView(int status, String heading, String message) {}
}
