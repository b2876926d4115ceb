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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden fixtures: our own decrypted-stream files under {@code wecom/golden} (every msgtype the
 * corpus notes list, plus broken lines) must give the canonical JSON next to them. Run with
 * {@code -Dgolden.update=true} to rewrite the expectations after a deliberate change (read the diff).
 */
class WeComGoldenTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest
  @ValueSource(strings = {"all-types.jsonl", "pretty.json"})
  void fixtureGivesItsRecords(String name) throws Exception {
    Path input = Path.of("src/test/resources/wecom/golden/" + name);
    List<Record> records = new ArrayList<>();
    WeComImportReport report;
    try (Archive archive = Archives.inMemory(ArchiveOptions.defaults())) {
      report = new WeComImporter(archive, CLOCK).importPath(input, WeComImportOptions.defaults());
      archive.scan(1, sr -> {
        if (!(sr.record() instanceof Audit)) {
          records.add(sr.record());
        }
        return true;
      });
    }
    String actual = records.stream()
        .map(r -> new String(RecordJson.canonical(r), StandardCharsets.UTF_8))
        .collect(Collectors.joining("\n", "", "\n"));
    Path expected = Path.of("src/test/resources/wecom/golden/" + name + ".expected.jsonl");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(expected));
    for (Record r : records) {
      assertThat(RecordJson.parse(RecordJson.canonical(r))).isEqualTo(r);
    }
    assertThat(report.recordsAppended()).isEqualTo(records.size() + 1);
  }
}
