package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.model.RecordJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer import wecom} end to end against a real archive in a temporary directory. */
class ImportWeComCommandTest {
  @TempDir Path tmp;

  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return RecordJson.mapper().readTree(out);
    }
  }

  static Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Coffer.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  static final String STREAM = """
      {"msgid":"w1","action":"send","from":"zhang.wei","tolist":["wmClient"],"roomid":"","msgtime":1764030000000,"msgtype":"text","text":{"content":"保本保收益"}}
      {"msgid":"w2","action":"recall","from":"zhang.wei","tolist":["wmClient"],"roomid":"","msgtime":1764030005000,"msgtype":"revoke","revoke":{"pre_msgid":"w1"}}
      {"msgid":"w3","action":"send","from":"wmClient","tolist":["zhang.wei"],"roomid":"","msgtime":1764030009000,"msgtype":"agree","agree":{"userid":"wmClient","agree_time":1764030009000}}
      """;

  @Test
  void importsTheStreamOnceAndSearchFindsIt() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(coffer("init", "--data", data.toString()).status()).isZero();
    Path input = tmp.resolve("stream.jsonl");
    Files.writeString(input, STREAM);

    Run first = coffer("import", "wecom", input.toString(), "--data", data.toString(), "--json");
    assertThat(first.status()).as(first.err()).isZero();
    JsonNode report = first.json();
    assertThat(report.path("records_appended").asLong()).isEqualTo(4); // 3 + the audit record
    assertThat(report.path("records_by_kind").path("delete").asLong()).isEqualTo(1);
    assertThat(report.path("records_by_kind").path("consent").asLong()).isEqualTo(1);

    Run again = coffer("import", "wecom", input.toString(), "--data", data.toString(), "--json");
    assertThat(again.json().path("duplicates").asLong()).isEqualTo(3);

    Run search = coffer("search", "保本", "--data", data.toString());
    assertThat(search.status()).as(search.err()).isZero();
    assertThat(search.out()).contains("保本");
  }

  @Test
  void aPageWithoutKeysIsKeptEncryptedWithExitStatus3AndTheCursorMoves() throws Exception {
    Path data = tmp.resolve("data");
    coffer("init", "--data", data.toString());
    Path page = tmp.resolve("page.json");
    Files.writeString(page, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[{\"seq\":41,\"msgid\":\"p1\","
        + "\"publickey_ver\":2,\"encrypt_random_key\":\"AAAA\",\"encrypt_chat_msg\":\"BBBB\"}]}");
    Run r = coffer("import", "wecom", page.toString(), "--data", data.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(3);
    assertThat(r.out()).contains("1 page item(s) kept encrypted").contains("seq cursor    0 -> 41");
    assertThat(Files.readString(data.resolve("connectors/wecom/seq-cursor"))).isEqualTo("seq=41\n");
  }

  @Test
  void aKeyDirectoryWithoutKeysIsAUsageError() throws Exception {
    Path data = tmp.resolve("data");
    coffer("init", "--data", data.toString());
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Path input = tmp.resolve("s.jsonl");
    Files.writeString(input, STREAM);
    Run r = coffer("import", "wecom", input.toString(), "--keys", keys.toString(), "--data", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("holds no key file");
  }
}
