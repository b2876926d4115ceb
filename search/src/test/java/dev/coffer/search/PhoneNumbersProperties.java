package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** Phone extraction must terminate on any text and give ordered, in-bounds, non-overlapping spans. */
class PhoneNumbersProperties {
  private final PhoneNumbers phones = new PhoneNumbers("US");

  @Property(tries = 2000)
  void findTerminatesWithOrderedSpansOnAnyText(
      @ForAll @StringLength(max = 80) @Chars({'+', '(', ')', '-', '.', ' ', '/', '0', '1', '5', '7', '9', 'a', 'x', '\u00a0'})
      @CharRange(from = '0', to = '9') String text) {
    List<PhoneNumbers.Span> spans = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> phones.find(text));
    int lastEnd = 0;
    for (PhoneNumbers.Span s : spans) {
      assertThat(s.start()).isGreaterThanOrEqualTo(lastEnd);
      assertThat(s.end()).isGreaterThan(s.start()).isLessThanOrEqualTo(text.length());
      assertThat(s.e164()).startsWith("+");
      lastEnd = s.end();
    }
  }
}
