package dev.coffer.cli;

import dev.coffer.archive.StoredRecord;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import dev.coffer.search.ConversationSummary;
import dev.coffer.search.ConversationWindow;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print a conversation readably: day by day, each record with its local time and UTC, sender, "
          + "text as written, attachments, system events and calls, and edited/deleted marks.",
      "Viewing is archived as an audit record."
    })
final class ShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONVERSATION", description = "Conversation id, or a unique part of its title.")
  String conversation;

  @Option(names = "--around", paramLabel = "RECORD", description = "Show the records around this record id (marked ▶).")
  String around;

  @Option(names = "--context", defaultValue = "10", paramLabel = "N", description = "Records before and after --around (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--limit", defaultValue = "500", paramLabel = "N", description = "At most N records from the start, without --around (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone for local times (default: system zone).")
  ZoneId zone;

  @Option(names = "--json", description = "Print the records' canonical JSON as a JSON array.")
  boolean json;

  @Mixin RoleOption role;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
    ZoneId z = zone == null ? ZoneId.systemDefault() : zone;
    try (Workspace ws = Workspace.open(data.resolve(), output)) {
      ConversationSummary conv = resolve(ws, conversation);
      // Restricted records are shown only to compliance; to anyone else they do not exist.
      java.util.Set<String> hidden = Restricted.hiddenFrom(role, ws);
      if (around != null && hidden.contains(around)) {
        throw new IllegalArgumentException("no record with id " + around);
      }
      List<Long> serials;
      long targetSerial = -1;
      String header;
      if (around != null) {
        StoredRecord target = ws.archive.get(around)
            .orElseThrow(() -> new IllegalArgumentException("no record with id " + around));
        Record r = target.record();
        if (r.conversation() == null || !r.conversation().id().equals(conv.id())) {
          throw new IllegalArgumentException("record " + around + " is not in conversation " + conv.id());
        }
        ConversationWindow w = ws.index.around(target.serial(), context)
            .orElseThrow(() -> new IllegalStateException("record " + around + " is archived but not indexed; run coffer reindex"));
        serials = w.serials();
        targetSerial = target.serial();
        header = "record " + (w.position() + 1) + " of " + w.total();
      } else {
        serials = ws.index.conversationSerials(conv.id(), null, limit);
        header = serials.size() < conv.records() ? "first " + serials.size() + " of " + conv.records() + " records" : conv.records() + " records";
      }

      List<Record> records = new ArrayList<>(serials.size());
      List<Long> shownSerials = new ArrayList<>(serials.size());
      List<Object> jsonRecords = new ArrayList<>();
      for (long serial : serials) {
        Optional<StoredRecord> sr = ws.archive.get(serial);
        if (sr.isEmpty()) {
          throw new IOException("serial " + serial + " is indexed but not in the archive; run coffer verify");
        }
        if (hidden.contains(sr.get().record().id())) {
          continue;
        }
        shownSerials.add(serial);
        records.add(sr.get().record());
        if (json) {
          jsonRecords.add(RecordJson.mapper().readTree(sr.get().canonical()));
        }
      }

      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("conversation", conv.id());
      detail.put("records_shown", Integer.toString(records.size()));
      detail.put("role", role.resolve());
      if (around != null) {
        detail.put("around", around);
        detail.put("context", Integer.toString(context));
      }
      ws.audit(role.who(), "view", List.of(conv.id()), detail);

      if (json) {
        output.json(jsonRecords);
        return Coffer.OK;
      }
      output.line((conv.title() == null ? "(untitled)" : conv.title()) + "  ·  " + conv.channel() + " " + conv.kind()
          + "  ·  " + header + "  ·  times in " + z.getId() + " (UTC in brackets)");
      output.line("conversation " + conv.id());
      Show show = new Show(z);
      for (int i = 0; i < records.size(); i++) {
        for (String line : show.render(records.get(i), shownSerials.get(i) == targetSerial)) {
          output.line(line);
        }
      }
    }
    return Coffer.OK;
  }

  private static ConversationSummary resolve(Workspace ws, String key) throws IOException {
    List<ConversationSummary> all = ws.index.conversations();
    for (ConversationSummary c : all) {
      if (c.id().equals(key)) {
        return c;
      }
    }
    List<ConversationSummary> matches = new ArrayList<>();
    String k = key.toLowerCase(java.util.Locale.ROOT);
    for (ConversationSummary c : all) {
      if (c.title() != null && c.title().toLowerCase(java.util.Locale.ROOT).contains(k)) {
        matches.add(c);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no conversation with id or title '" + key + "' (list them: coffer conversations)");
    }
    StringBuilder sb = new StringBuilder("'" + key + "' matches " + matches.size() + " conversations; use an id:");
    for (ConversationSummary c : matches) {
      sb.append("\n  ").append(c.id()).append("  ").append(c.title());
    }
    throw new IllegalArgumentException(sb.toString());
  }
}
