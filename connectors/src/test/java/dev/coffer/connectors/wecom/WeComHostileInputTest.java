package dev.coffer.connectors.wecom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Record;
import dev.coffer.model.Unparsed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs built to hurt a JSON reader: each is kept as an unparsed record, the rest still read. */
class WeComHostileInputTest {
  @TempDir Path dir;

  List<Record> importLines(String... lines) throws Exception {
    Path f = dir.resolve("in.jsonl");
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    List<Record> out = new ArrayList<>();
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      new WeComImporter(a).importPath(f, WeComImportOptions.defaults());
      a.scan(1, sr -> {
        out.add(sr.record());
        return true;
      });
    }
    return out.subList(0, out.size() - 1); // the last is the import's audit record
  }

  static final String GOOD = "{\"msgid\":\"ok1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],"
      + "\"roomid\":\"\",\"msgtime\":1764030000000,\"msgtype\":\"text\",\"text\":{\"content\":\"still read\"}}";

  @Test
  void deepNestingIsUnparsedAndTheNextLineStillRead() throws Exception {
    String deep = "{\"msgid\":\"x\",\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    List<Record> records = importLines(GOOD, deep, GOOD.replace("ok1", "ok2"));
    assertThat(records).hasSize(3);
    assertThat(records.get(1)).isInstanceOf(Unparsed.class);
    assertThat(((Unparsed) records.get(1)).diagnostic()).contains("not JSON");
    assertThat(records.get(2)).isNotInstanceOf(Unparsed.class);
  }

  @Test
  void aHugeNumberIsUnparsed() throws Exception {
    String huge = "{\"msgid\":\"n\",\"msgtime\":" + "9".repeat(5000) + "}";
    List<Record> records = importLines(GOOD, huge);
    assertThat(records.get(1)).isInstanceOf(Unparsed.class);
  }

  @Test
  void unpairedSurrogateEscapesBecomeReplacementCharacters() throws Exception {
    List<Record> records = importLines(GOOD.replace("still read", "bad \\ud800 half"));
    assertThat(((dev.coffer.model.Message) records.get(0)).text()).isEqualTo("bad \uFFFD half");
  }

  @Test
  void invalidUtf8IsReadWithReplacementCharacters() throws Exception {
    Path f = dir.resolve("latin1.jsonl");
    byte[] line = GOOD.replace("still read", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(f, line);
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults())) {
      WeComImportReport r = new WeComImporter(a).importPath(f, WeComImportOptions.defaults());
      assertThat(r.recordsByKind()).containsEntry("message", 1L);
      dev.coffer.model.Message m = (dev.coffer.model.Message) a.get(WeComRecords.messageId("ok1")).orElseThrow().record();
      assertThat(m.text()).isEqualTo("caf\uFFFD");
    }
  }
}
