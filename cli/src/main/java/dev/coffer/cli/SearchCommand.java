package dev.coffer.cli;

import dev.coffer.search.Hit;
import dev.coffer.search.SearchRequest;
import dev.coffer.search.SearchResults;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Search archived records. QUERY uses Lucene's syntax: words, \"exact phrases\", AND/OR/NOT, "
          + "wild* cards. Chinese words, emoji and phone numbers in any notation are found.",
      "Every search is itself archived as an audit record."
    },
    footer = {"", "Examples:",
        "  coffer search 'guarantee AND returns'",
        "  coffer search '\"off the record\"' --from '+44 7700 900123' --since 2026-01-01",
        "  coffer search 内幕交易 --json"})
final class SearchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for; '*' for everything.")
  String query;

  @Option(names = "--from", paramLabel = "WHO", description = "Sender: phone number (any notation), handle or name.")
  String from;

  @Option(names = "--conversation", paramLabel = "ID", description = "Only this conversation (id from 'coffer conversations').")
  String conversation;

  @Option(names = "--channel", paramLabel = "CHANNEL", description = "Only this channel: whatsapp, wechat, wecom.")
  String channel;

  @Option(names = "--since", paramLabel = "DATE", description = "From this date (YYYY-MM-DD, in --zone) or instant (ISO-8601).")
  String since;

  @Option(names = "--until", paramLabel = "DATE", description = "Up to this date (inclusive day) or instant.")
  String until;

  @Option(names = "--kind", paramLabel = "KIND", split = ",",
      description = "Only these record kinds (message, system, call, unparsed, audit, …); repeatable or "
          + "comma-separated. Default: every kind but audit (audit records are searched by asking for them).")
  java.util.Set<String> kinds;

  /** What a search looks at unless told otherwise: what people said and did, not Coffer's own audit trail. */
  static final java.util.Set<String> CONTENT_KINDS = SearchRequest.KINDS.stream()
      .filter(k -> !k.equals("audit")).collect(java.util.stream.Collectors.toUnmodifiableSet());

  @Option(names = "--has-attachment", description = "Only records with an attachment.")
  boolean hasAttachment;

  @Option(names = "--direction", paramLabel = "WAY",
      description = "inbound (sent to the firm) or outbound (sent by the firm's side: the directory's employees, "
          + "and what records show themselves, such as Cloud API echoes).")
  String direction;

  @Option(names = "--sort", defaultValue = "RELEVANCE", paramLabel = "ORDER",
      description = "relevance, newest or oldest (default: relevance).")
  SearchRequest.Sort sort;

  @Option(names = "--limit", defaultValue = "20", description = "Hits per page (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--page", defaultValue = "1", description = "Page number, from 1 (default: ${DEFAULT-VALUE}).")
  int page;

  @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone for dates and display (default: system zone).")
  ZoneId zone;

  @Mixin RoleOption role;

  @Mixin JsonOption jsonOption;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    Output output = jsonOption.output(spec);
    ZoneId z = zone == null ? ZoneId.systemDefault() : zone;
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("--limit must be between 1 and 10000, was " + limit);
    }
    if (page < 1) {
      throw new IllegalArgumentException("--page must be 1 or more, was " + page);
    }
    Instant sinceInstant = Dates.start(since, z, "--since");
    Instant untilInstant = Dates.end(until, z, "--until");
    boolean color = !jsonOption.json && Output.interactive();
    try (Workspace ws = Workspace.open(data.resolve(), output)) {
      SearchRequest request = SearchRequest.builder()
          .query(query.equals("*") ? "" : query)
          .kinds(kinds == null ? CONTENT_KINDS : kinds)
          .hasAttachment(hasAttachment ? Boolean.TRUE : null)
          .direction(SearchRequest.Direction.parse(direction))
          .firmHandles(direction == null ? java.util.Set.of() : firmHandles(ws))
          .sort(sort)
          .from(from)
          .conversation(conversation)
          .channel(channel)
          .since(sinceInstant)
          .until(untilInstant)
          .offset((page - 1) * limit)
          .limit(limit)
          .highlight(color ? "\u001b[1;33m" : "«", color ? "\u001b[0m" : "»")
          .build();
      // Restricted records (erasure requested during retention) count nowhere unless acting as compliance.
      java.util.Set<String> hidden = Restricted.hiddenFrom(role, ws);
      SearchResults results = ws.index.search(request, hidden);
      // The page's total is a lower bound past 10,000 hits; a reviewer is told the exact figure.
      long total = results.totalExact() ? results.totalHits() : ws.index.count(request, hidden);

      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("query", query);
      put(detail, "from", from);
      put(detail, "conversation", conversation);
      put(detail, "channel", channel);
      put(detail, "since", since);
      put(detail, "until", until);
      put(detail, "kinds", kinds == null ? null : String.join(",", new java.util.TreeSet<>(kinds)));
      put(detail, "has_attachment", hasAttachment ? "true" : null);
      put(detail, "direction", direction);
      detail.put("page", Integer.toString(page));
      detail.put("hits", Long.toString(total));
      detail.put("role", role.resolve());
      ws.audit(role.who(), "search", List.of(), detail);

      if (jsonOption.json) {
        List<Map<String, Object>> hits = new ArrayList<>();
        for (Hit h : results.hits()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", h.id());
          m.put("serial", h.serial());
          m.put("kind", h.kind());
          m.put("channel", h.channel());
          m.put("conversation", h.conversationId());
          m.put("conversation_title", h.conversationTitle());
          m.put("sender_name", h.senderName());
          m.put("sender_handle", h.senderHandle());
          m.put("sent_at", h.sentAt() == null ? null : h.sentAt().toString());
          m.put("snippet", h.snippet());
          hits.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("page", page);
        out.put("hits", hits);
        output.json(out);
      } else {
        output.line(total + " hit" + (total == 1 ? "" : "s")
            + (total > limit ? ", page " + page + " of " + ((total + limit - 1) / limit) : ""));
        for (Hit h : results.hits()) {
          output.line("");
          output.line(Dates.local(h.sentAt(), z) + "  " + nz(h.conversationTitle()) + "  "
              + Show.who(h.senderName(), h.senderHandle()) + "  [" + h.kind() + "]");
          for (String line : nz(h.snippet()).split("\n", -1)) {
            output.line("    " + line);
          }
          output.line("    record " + h.id() + "  ·  coffer show " + h.conversationId() + " --around " + h.id());
        }
      }
    }
    return Coffer.OK;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The handles of the directory's employees (the firm's side), from the directory in the archive. */
  private static java.util.Set<String> firmHandles(Workspace ws) throws java.io.IOException {
    java.util.Set<String> out = new java.util.HashSet<>();
    dev.coffer.server.directory.DirectoryStore.load(ws.archive, ws.dir).employees().forEach(e -> out.addAll(e.handles()));
    return out;
  }
}
