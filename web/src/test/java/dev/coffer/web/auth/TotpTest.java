package dev.coffer.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {
  /** RFC 6238 appendix B's SHA-1 secret, "12345678901234567890", in base32. */
  static final String RFC_SECRET = Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

  @Test
  void matchesRfc6238TestVectorsInTheirLastSixDigits() {
    assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(59))).isEqualTo("287082");
    assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
    assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(1234567890))).isEqualTo("005924");
    assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(2000000000))).isEqualTo("279037");
  }

  @Test
  void acceptsOneStepEitherSideAndNothingFurther() {
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    long step = now.getEpochSecond() / 30;
    for (int d = -1; d <= 1; d++) {
      String code = Totp.code(RFC_SECRET, now.plusSeconds(30L * d));
      assertThat(Totp.matchingStep(RFC_SECRET, code, now)).hasValue(step + d);
    }
    assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now.plusSeconds(90)), now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now.minusSeconds(60)), now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, "12345", now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, "abcdef", now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, null, now)).isEmpty();
  }

  @Test
  void secretsRoundTripThroughBase32AndTheUriNamesTheParameters() {
    String s = Totp.newSecret();
    assertThat(s).matches("[A-Z2-7]{32}");
    assertThat(Totp.base32(Totp.base32Decode(s))).isEqualTo(s);
    assertThat(Totp.uri("Coffer", "rita", s)).startsWith("otpauth://totp/Coffer:rita?secret=" + s)
        .contains("digits=6").contains("period=30").contains("algorithm=SHA1");
  }
}
