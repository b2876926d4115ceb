package dev.coffer.connectors.wecom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a WeCom input file holds, the import never throws and leaves at least one record. */
class WeComImportProperties {

  @Property(tries = 60)
  void arbitraryBytesImportWithoutThrowing(@ForAll byte[] content) throws Exception {
    check(content);
  }

  @Property(tries = 150)
  void messageShapedJsonImportsWithoutThrowing(@ForAll("messages") List<String> lines) throws Exception {
    check(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  static void check(byte[] content) throws Exception {
    Path dir = Files.createTempDirectory("wecom-prop");
    try {
      Path f = dir.resolve("input.jsonl");
      Files.write(f, content);
      List<Record> records = new ArrayList<>();
      try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
        new WeComImporter(a).importPath(f, WeComImportOptions.defaults());
        a.scan(1, sr -> {
          records.add(sr.record());
          return true;
        });
      }
      assertThat(records.stream().filter(r -> !(r instanceof Audit))).isNotEmpty();
      for (Record r : records) {
        assertThat(RecordJson.parse(RecordJson.canonical(r))).isEqualTo(r);
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<List<String>> messages() {
    Arbitrary<String> type = Arbitraries.of("text", "image", "revoke", "agree", "disagree", "voice",
        "video", "card", "location", "emotion", "file", "link", "weapp", "chatrecord", "todo", "vote",
        "collect", "redpacket", "meeting", "docmsg", "markdown", "news", "calendar", "mixed",
        "meeting_voice_call", "voip_doc_share", "external_redpacket", "sphfeed", "voiptext",
        "qydiskfile", "unknown");
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
        Arbitraries.of("0", "-1", "1764030000000", "99999999999999999999999", "1.5e400", "null",
            "true", "[]", "{}", "\"\\ud800\"", "\"\\u0000\"", "[\"a\",1,{}]",
            "{\"content\":\"x\",\"sdkfileid\":\"s\",\"filesize\":18446744073709551615}",
            "\"{\\\"content\\\":\\\"inner\\\"}\""));
    Arbitrary<String> field = Combinators.combine(Arbitraries.of("content", "sdkfileid", "filesize",
        "md5sum", "pre_msgid", "userid", "agree_time", "latitude", "longitude", "title", "item",
        "type", "invitetype", "callduration", "filename", "voteitem"), value)
        .as((k, v) -> "\"" + k + "\":" + v);
    Arbitrary<String> payload = field.list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}");
    Arbitrary<String> message = Combinators.combine(type, payload, value, value,
        Arbitraries.of("send", "recall", "switch"), Arbitraries.integers().between(0, 4))
        .as((t, p, from, time, action, shape) -> switch (shape) {
          case 0 -> "{\"msgid\":\"m\",\"action\":\"" + action + "\",\"from\":" + from
              + ",\"tolist\":[" + from + "],\"roomid\":\"\",\"msgtime\":" + time + ",\"msgtype\":\"" + t
              + "\",\"" + t + "\":" + p + ",\"user\":" + from + ",\"time\":" + time + "}";
          case 1 -> "{\"chatdata\":[{\"seq\":" + time + ",\"msgid\":" + from + ",\"publickey_ver\":"
              + time + ",\"encrypt_random_key\":" + from + ",\"encrypt_chat_msg\":" + from + "}]}";
          case 2 -> "[" + p + "," + p + "]";
          case 3 -> p.substring(0, p.length() / 2);
          default -> "{\"msgid\":" + from + ",\"msgtype\":\"" + t + "\",\"votetitle\":" + from
              + ",\"voteitem\":" + p + ",\"from\":\"a\"}";
        });
    return message.list().ofMinSize(1).ofMaxSize(6);
  }
}
