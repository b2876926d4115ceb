package dev.coffer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.RecordJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data every benchmark and peer shares: exports written by {@code coffer generate} (fixed seeds),
 * and, after an import, the archived records as JSON lines for the peers that cannot read an export.
 */
final class Workload {
  private Workload() {}

  /**
   * One generated export.
   *
   * @param messages entries the generator wrote (messages, system lines, calls)
   */
  record Export(Path file, long messages, String platform, String locale, int participants, long bytes) {}

  /**
   * The realistic mix: most traffic in a 200-person Android group in English; an iOS desk group in
   * German; a direct chat in Chinese. Multi-line text, emoji, Chinese, media lines, polls, calls and
   * system events come from the generator itself.
   */
  static List<Export> generate(Cli cli, Path dir, long total, long seed) throws IOException {
    Files.createDirectories(dir);
    long big = total * 70 / 100;
    long desk = total * 15 / 100;
    long direct = total - big - desk;
    List<Export> out = new ArrayList<>();
    out.add(one(cli, dir, "group200-android-en", big, seed, "android", "en", 200));
    out.add(one(cli, dir, "group12-ios-de", desk, seed + 1, "ios", "de", 12));
    out.add(one(cli, dir, "direct-android-zh", direct, seed + 2, "android", "zh", 2));
    return out;
  }

  private static Export one(Cli cli, Path dir, String name, long messages, long seed, String platform,
      String locale, int participants) throws IOException {
    Path file = dir.resolve(name + "-" + messages + "-s" + seed + ".txt");
    if (!Files.exists(file)) {
      cli.run("generate", "whatsapp", "--messages", Long.toString(messages), "--seed", Long.toString(seed),
          "--platform", platform, "--locale", locale, "--participants", Integer.toString(participants),
          "--out", file.toString()).ok();
    }
    return new Export(file, messages, platform, locale, participants, Files.size(file));
  }

  /** What the peers ingest: one JSON object per archived record with its sender, time and text. */
  record Records(Path jsonl, long count, List<String> texts, String topSender, Instant first, Instant last) {
    /** The same without the texts (which only the bare-Lucene ceiling reads): a million of them is ~100 MB. */
    Records withoutTexts() {
      return new Records(jsonl, count, List.of(), topSender, first, last);
    }
  }

  /**
   * Writes every archived record of {@code dataDir} as a JSON line {@code {id, conversation, sender,
   * sent_at (epoch ms), text}}; the text is what the search index indexes for messages, system
   * lines and calls (message text and poll, attachment name, system and call wording).
   */
  static Records exportRecords(Path dataDir, Path jsonl) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    Map<String, Integer> senders = new HashMap<>();
    Instant[] range = {null, null};
    long[] count = {0};
    try (Archive archive = Archives.open(dataDir, ArchiveOptions.defaults());
         BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
      archive.scan(1, sr -> {
        ObjectNode tree = RecordJson.tree(sr.record());
        String kind = tree.path("kind").asText();
        if (kind.equals("audit")) {
          return true;
        }
        String text = text(tree);
        String sender = tree.path("sender").path("name").asText(tree.path("actor").path("name").asText(""));
        String sentAt = tree.path("sent_at").asText(null);
        long ms = 0;
        if (sentAt != null) {
          Instant t = Instant.parse(sentAt);
          ms = t.toEpochMilli();
          range[0] = range[0] == null || t.isBefore(range[0]) ? t : range[0];
          range[1] = range[1] == null || t.isAfter(range[1]) ? t : range[1];
        }
        if (!sender.isEmpty()) {
          senders.merge(sender, 1, Integer::sum);
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("id", tree.path("id").asText());
        line.put("conversation", tree.path("conversation").path("id").asText(""));
        line.put("sender", sender);
        line.put("sent_at", ms);
        line.put("text", text);
        w.write(mapper.writeValueAsString(line));
        w.write('\n');
        texts.add(text);
        count[0]++;
        return true;
      });
    }
    String top = senders.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
    return new Records(jsonl, count[0], texts, top, range[0], range[1]);
  }

  private static String text(JsonNode tree) {
    StringBuilder b = new StringBuilder();
    append(b, tree.path("text"));
    for (JsonNode a : tree.path("attachments")) {
      append(b, a.path("name"));
      append(b, a.path("caption"));
    }
    JsonNode poll = tree.path("poll");
    append(b, poll.path("question"));
    for (JsonNode o : poll.path("options")) {
      append(b, o.isTextual() ? o : o.path("text"));
    }
    if (b.isEmpty()) {
      append(b, tree.path("source_text"));
    }
    return b.toString();
  }

  private static void append(StringBuilder b, JsonNode n) {
    if (n.isTextual() && !n.asText().isEmpty()) {
      if (!b.isEmpty()) {
        b.append('\n');
      }
      b.append(n.asText());
    }
  }
}
