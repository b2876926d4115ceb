package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandlesTest {

  @Test
  void aPhoneLikeIdBecomesE164HoweverItIsWrittenAndOnRepeatedReads() {
    for (int round = 0; round < 3; round++) { // the first read parses, later ones come from the cache
      assertThat(Handles.handle("16505551234")).isEqualTo("+16505551234");
      assertThat(Handles.handle("+1 650-555-1234")).isEqualTo("+16505551234");
      assertThat(Handles.handle("(1) 650.555.1234")).isEqualTo("+16505551234");
    }
  }

  @Test
  void digitsThatAreNoPossibleNumberStayAsGivenInEachSpelling() {
    for (int round = 0; round < 3; round++) {
      // 999 is no country calling code: not a phone, so each spelling is kept as it was written
      assertThat(Handles.handle("9991234567")).isEqualTo("9991234567");
      assertThat(Handles.handle("999 123 4567")).isEqualTo("999 123 4567");
    }
  }

  @Test
  void otherIdsAndNullStayAsGiven() {
    assertThat(Handles.handle("US.13491208655302741918")).isEqualTo("US.13491208655302741918");
    assertThat(Handles.handle("123")).isEqualTo("123");
    assertThat(Handles.handle(null)).isNull();
  }

  @Test
  void manyDistinctNumbersStillReadCorrectlyPastTheCacheBound() {
    for (int i = 0; i < 20_000; i++) {
      String digits = "1650" + (5_000_000 + i);
      assertThat(Handles.handle(digits)).isEqualTo("+" + digits);
    }
    assertThat(Handles.handle("+1 650-555-1234")).isEqualTo("+16505551234");
  }
}
