package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {
  private final PhoneNumbers us = new PhoneNumbers("US");

  @Test
  void findsNumbersInAnyNotation() {
    assertThat(us.find("ring +1 555-123-4567 or (555) 123 4567, or 555.123.4567")
        .stream().map(PhoneNumbers.Span::e164))
        .containsExactly("+15551234567", "+15551234567", "+15551234567");
    assertThat(us.find("London: 0044 20 7946 0958 / +44 (0)20 7946 0958").stream().map(PhoneNumbers.Span::e164))
        .containsExactly("+442079460958", "+442079460958");
    assertThat(us.find("北京 +86 138 0013 8000 谢谢").stream().map(PhoneNumbers.Span::e164))
        .containsExactly("+8613800138000");
  }

  @Test
  void spansCoverTheNumberAsWritten() {
    String text = "x (555) 123 4567 y";
    PhoneNumbers.Span span = us.find(text).getFirst();
    assertThat(text.substring(span.start(), span.end())).isEqualTo("(555) 123 4567");
  }

  @Test
  void shortDigitRunsAreNotPhoneNumbers() {
    assertThat(us.find("in 2026 we sold 1,500 units for $12.50 at 10:30")).isEmpty();
    assertThat(us.normalize("2026")).isEmpty();
    assertThat(us.normalize("alex")).isEmpty();
    assertThat(us.normalize("wxid_5551234567")).isEmpty();
  }

  @Test
  void normalizesAWholeNumber() {
    assertThat(us.normalize("(555) 123 4567")).contains("+15551234567");
    assertThat(us.normalize("+44 20 7946 0958")).contains("+442079460958");
    assertThat(us.normalize("0044 20 7946 0958")).contains("+442079460958");
  }

  @Test
  void regionDecidesNationalNumbers() {
    PhoneNumbers gb = new PhoneNumbers("GB");
    assertThat(gb.normalize("020 7946 0958")).contains("+442079460958");
    assertThat(us.normalize("020 7946 0958")).isEmpty();
  }

  @Test
  void unknownRegionFailsNamingTheValue() {
    assertThatThrownBy(() -> PhoneNumbers.validRegion("XX"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phoneRegion").hasMessageContaining("XX");
    assertThat(PhoneNumbers.validRegion("de")).isEqualTo("DE");
  }
}
