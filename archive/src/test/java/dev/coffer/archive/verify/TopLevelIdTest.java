package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.RecordFixtures;
import dev.coffer.model.Record;
import dev.coffer.model.RecordJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopLevelIdTest {
  private static String of(String json) {
    return TopLevelId.of(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheTopLevelIdNotANestedOne() {
    assertThat(of("{\"conversation\":{\"id\":\"inner\"},\"id\":\"outer\",\"kind\":\"message\"}")).isEqualTo("outer");
    assertThat(of("{\"a\":[{\"id\":\"x\"}],\"id\":\"y\"}")).isEqualTo("y");
    assertThat(of("{\"text\":\"\\\",\\\"id\\\":\\\"fake\",\"id\":\"real\"}")).isEqualTo("real");
    assertThat(of("{\"text\":\"id\",\"x\":\"id\"}")).isNull();
    assertThat(of("{\"id\":5}")).isNull();
    assertThat(of("[\"id\",\"x\"]")).isNull();
    assertThat(of("{\"id\":\"unterminated")).isNull();
    assertThat(of("")).isNull();
  }

  @Test
  void agreesWithTheModelOnRealRecords() {
    for (int i = 0; i < 50; i++) {
      Record r = RecordFixtures.message(i);
      assertThat(TopLevelId.of(RecordJson.canonical(r))).isEqualTo(r.id());
    }
  }
}
