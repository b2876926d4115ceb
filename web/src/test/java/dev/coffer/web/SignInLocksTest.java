package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.KeyRing;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures counted by another process (the command line's --as USER) lock the name for a running server too. */
class SignInLocksTest {
  @TempDir Path data;

  @Test
  void failuresCountedElsewhereLockTheNameInARunningThrottleAndASuccessClearsIt() throws IOException {
    Encryption encryption = Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0));
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T06:00:00Z"), ZoneOffset.UTC);
    WebSettings settings = WebSettings.defaults();
    SignInThrottle server = new SignInThrottle(clock, settings, SignInLocks.file(data, encryption));
    assertThat(server.failed("dana")).isFalse(); // one failure on the web
    for (int i = 1; i < settings.maxFailures(); i++) {
      SignInLocks cli = SignInLocks.open(data, encryption, clock); // a new command-line process each time
      assertThat(cli.locked("dana")).isFalse();
      assertThat(cli.failed("dana")).isEqualTo(i == settings.maxFailures() - 1);
    }
    assertThat(server.locked("dana")).as("the server sees the command line's failures").isTrue();
    assertThat(SignInLocks.open(data, encryption, clock).lockedUntil("dana"))
        .isEqualTo(clock.instant().plus(settings.lockout()));
    assertThat(server.locked("rex")).isFalse();
  }

  @Test
  void anAcceptedTotpStepIsKeptAndAFormat1FileIsStillRead() throws IOException {
    Encryption encryption = Encryption.of(KeyRing.inMemory("0123456789abcdef0123456789abcdef", "test", 0));
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T06:00:00Z"), ZoneOffset.UTC);
    // a file written before the TOTP steps were kept: one failure of dana's
    SignInLocks.file(data, encryption).write(("{\"format\":\"coffer-sign-in/1\",\"names\":{\"dana\":"
        + "{\"count\":1,\"last\":\"2026-11-25T05:59:00Z\",\"lockedUntil\":null}}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    SignInThrottle first = new SignInThrottle(clock, WebSettings.defaults(), SignInLocks.file(data, encryption));
    assertThat(first.acceptTotpStep("dana", 100)).isTrue();
    assertThat(first.acceptTotpStep("dana", 100)).as("the same step again").isFalse();
    assertThat(first.acceptTotpStep("dana", 99)).as("an earlier step").isFalse();

    SignInThrottle second = new SignInThrottle(clock, WebSettings.defaults(), SignInLocks.file(data, encryption));
    assertThat(second.acceptTotpStep("dana", 100)).as("kept across a restart").isFalse();
    assertThat(second.acceptTotpStep("rex", 100)).as("per user").isTrue();
    assertThat(second.acceptTotpStep("dana", 101)).isTrue();
    // dana's failure from the format 1 file still counts: maxFailures - 1 more lock her
    for (int i = 1; i < WebSettings.defaults().maxFailures() - 1; i++) {
      assertThat(second.failed("dana")).isFalse();
    }
    assertThat(second.failed("dana")).isTrue();
  }
}
