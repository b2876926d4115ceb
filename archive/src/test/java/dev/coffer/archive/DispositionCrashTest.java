package dev.coffer.archive;

import static dev.coffer.archive.RetentionFixtures.COMPLIANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.retention.Disposition;
import dev.coffer.archive.store.ForwardingObjectStore;
import dev.coffer.archive.store.ObjectStore;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at each step of a segment rewrite: reopening finishes it (old segment already gone) or rolls
 * it back (old segment still there); either way nothing acknowledged is lost, verify is clean, and the
 * next disposition completes the work.
 */
class DispositionCrashTest {
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));

  /** Where the crash happens. */
  enum Step {
    /** Putting the staged bytes under rewrites/ fails. */
    STAGE,
    /** Removing the old segment fails (staged bytes durable). */
    REMOVE_OLD,
    /** Putting the new segment fails (old one gone: the staged copy is the only one). */
    PUT_NEW,
    /** Removing the staged bytes fails (rewrite done). */
    CLEAN_UP
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aCrashAtEachStepOfARewriteRecovers(Step step) throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults().withClock(clock))) {
      a.append(RecordFixtures.messages(0, 5));
      a.append(RecordFixtures.messages(5, 5));
    }
    clock.advance(Period.ofYears(4));
    AtomicBoolean armed = new AtomicBoolean(true);
    Archive a = Archives.open(dir, ArchiveOptions.defaults().withClock(clock), s -> new Crashing(s, step, armed));
    assertThatThrownBy(() -> Disposition.run(a, COMPLIANCE, "past retention", Disposition.HoldQueries.NONE))
        .isInstanceOf(IOException.class);
    ((SegmentedArchive) a).crashForTest();

    try (Archive b = Archives.open(dir, ArchiveOptions.defaults().withClock(clock))) {
      try (Stream<Path> left = Files.walk(dir.resolve(ArchiveLayout.OBJECTS).resolve("rewrites"))) {
        assertThat(left.filter(Files::isRegularFile)).isEmpty();
      } catch (java.nio.file.NoSuchFileException none) {
        // never created
      }
      // every record is either there or a tombstone named by a disposition record; the tree is whole
      assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
      boolean firstGone = b.get(RecordFixtures.message(0).id()).isEmpty();
      assertThat(firstGone).as("finished only when the old segment was already gone")
          .isEqualTo(step == Step.PUT_NEW || step == Step.CLEAN_UP);
      Disposition.run(b, COMPLIANCE, "again", Disposition.HoldQueries.NONE);
      for (long n = 0; n < 10; n++) {
        assertThat(b.get(RecordFixtures.message(n).id())).isEmpty();
        assertThat(b.contains(RecordFixtures.message(n).id())).isTrue();
      }
    }
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
  }

  /** Fails the chosen step of the first rewrite, once. */
  static final class Crashing extends ForwardingObjectStore {
    final Step step;
    final AtomicBoolean armed;

    Crashing(ObjectStore d, Step step, AtomicBoolean armed) {
      super(d);
      this.step = step;
      this.armed = armed;
    }

    void maybeFail(Step at) throws IOException {
      if (step == at && armed.compareAndSet(true, false)) {
        throw new IOException("injected crash at " + at);
      }
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      if (key.startsWith(ArchiveLayout.REWRITES)) {
        maybeFail(Step.STAGE);
      } else if (key.startsWith(ArchiveLayout.SEGMENTS) && !delegate.exists(ArchiveLayout.rewriteKey(ArchiveLayout.serialOfSegmentKey(key)))) {
        delegate.put(key, bytes);
        return;
      } else if (key.startsWith(ArchiveLayout.SEGMENTS)) {
        maybeFail(Step.PUT_NEW);
      }
      delegate.put(key, bytes);
    }

    @Override
    public void delete(String key) throws IOException {
      maybeFail(key.startsWith(ArchiveLayout.SEGMENTS) ? Step.REMOVE_OLD : Step.CLEAN_UP);
      delegate.delete(key);
    }
  }
}
