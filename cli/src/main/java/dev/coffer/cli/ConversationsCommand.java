package dev.coffer.cli;

import dev.coffer.search.ConversationSummary;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "conversations",
    mixinStandardHelpOptions = true,
    description = "List archived conversations, latest activity first, with their ids for show, search and export.")
final class ConversationsCommand implements Callable<Integer> {
  @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone for display (default: system zone).")
  ZoneId zone;

  @Mixin JsonOption jsonOption;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    ZoneId z = zone == null ? ZoneId.systemDefault() : zone;
    try (Workspace ws = Workspace.open(data.resolve(), output)) {
      List<ConversationSummary> all = ws.index.conversations();
      if (jsonOption.json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ConversationSummary c : all) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", c.id());
          m.put("title", c.title());
          m.put("kind", c.kind());
          m.put("channel", c.channel());
          m.put("records", c.records());
          m.put("first", c.first() == null ? null : c.first().toString());
          m.put("last", c.last() == null ? null : c.last().toString());
          list.add(m);
        }
        output.json(list);
      } else {
        output.line(all.size() + " conversation" + (all.size() == 1 ? "" : "s"));
        for (ConversationSummary c : all) {
          output.line(String.format("%s  %-9s %-6s %8d records  %s → %s  %s",
              c.id(), c.channel(), c.kind(), c.records(), Dates.local(c.first(), z), Dates.local(c.last(), z),
              c.title() == null ? "" : c.title()));
        }
      }
    }
    return Coffer.OK;
  }
}
