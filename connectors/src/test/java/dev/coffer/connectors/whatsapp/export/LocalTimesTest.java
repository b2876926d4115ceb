package dev.coffer.connectors.whatsapp.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LocalTimesTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void gapTimeMovesLaterByTheGap() {
    LocalTimes t = new LocalTimes(BERLIN);
    // 2024-03-31 02:30 does not exist in Berlin (02:00 -> 03:00): read as 03:30 CEST = 01:30Z.
    assertThat(t.toInstant(LocalDateTime.of(2024, 3, 31, 2, 30)))
        .isEqualTo(Instant.parse("2024-03-31T01:30:00Z"));
  }

  @Test
  void overlapUsesTheEarlierOffsetUntilTheClockGoesBack() {
    LocalTimes t = new LocalTimes(BERLIN);
    // 2024-10-27 02:00-03:00 happens twice in Berlin.
    assertThat(t.toInstant(LocalDateTime.of(2024, 10, 27, 2, 10)))
        .isEqualTo(Instant.parse("2024-10-27T00:10:00Z"));
    assertThat(t.toInstant(LocalDateTime.of(2024, 10, 27, 2, 50)))
        .isEqualTo(Instant.parse("2024-10-27T00:50:00Z"));
    // The file's time went back: the clock was turned back, later offset from here on.
    assertThat(t.toInstant(LocalDateTime.of(2024, 10, 27, 2, 5)))
        .isEqualTo(Instant.parse("2024-10-27T01:05:00Z"));
    assertThat(t.toInstant(LocalDateTime.of(2024, 10, 27, 2, 40)))
        .isEqualTo(Instant.parse("2024-10-27T01:40:00Z"));
    assertThat(t.toInstant(LocalDateTime.of(2024, 10, 27, 3, 0)))
        .isEqualTo(Instant.parse("2024-10-27T02:00:00Z"));
  }

  @Test
  void ordinaryTimesUseTheZoneOffset() {
    LocalTimes t = new LocalTimes(ZoneId.of("America/New_York"));
    assertThat(t.toInstant(LocalDateTime.of(2024, 7, 1, 12, 0)))
        .isEqualTo(Instant.parse("2024-07-01T16:00:00Z"));
  }
}
