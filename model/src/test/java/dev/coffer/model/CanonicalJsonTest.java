package dev.coffer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  private static String canon(String json) throws Exception {
    JsonNode node = RecordJson.mapper().readTree(json);
    return new String(CanonicalJson.serialize(node), StandardCharsets.UTF_8);
  }

  @Test
  void sortsMembersByUtf16CodeUnitsAsRfc8785Requires() throws Exception {
    // RFC 8785 §3.2.3 sorting example (string-valued members only; coffer/1 has no floats).
    String in = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
        + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
    assertThat(canon(in)).isEqualTo(
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
            + "\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  void escapesOnlyWhatRfc8785Escapes() throws Exception {
    assertThat(canon("{\"a\":\"\\u0001\\b\\t\\n\\f\\r\\\"\\\\/\\u2028\\u00e9\"}"))
        .isEqualTo("{\"a\":\"\\u0001\\b\\t\\n\\f\\r\\\"\\\\/\u2028é\"}");
  }

  @Test
  void writesNoWhitespaceAndNestedStructures() throws Exception {
    assertThat(canon(" { \"b\" : [ 1 , true , null , { \"d\":-7, \"c\":0 } ] , \"a\" : false } "))
        .isEqualTo("{\"a\":false,\"b\":[1,true,null,{\"c\":0,\"d\":-7}]}");
  }

  @Test
  void refusesNumbersThatAreNotSafeIntegers() {
    assertThatThrownBy(() -> canon("{\"a\":1.5}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> canon("{\"a\":9007199254740993}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesUnpairedSurrogates() {
    JsonNode node = RecordJson.mapper().getNodeFactory().textNode("x\ud800y");
    assertThatThrownBy(() -> CanonicalJson.serialize(node)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }
}
