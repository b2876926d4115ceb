package dev.coffer.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.crypto.KeyRing;
import dev.coffer.archive.layout.ArchiveLayout;
import dev.coffer.archive.verify.Verifier;
import dev.coffer.archive.verify.VerifyListener;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash at each step of a key rotation leaves evidence: the next open completes the rotation's audit
 * records when the keyring had been replaced, or records the rotation as abandoned when it had not,
 * and its {@code recover} record says which. Nothing is lost and nothing is recorded twice.
 */
class KeyRotationCrashTest {
  @TempDir Path dir;

  @Test
  void anUninterruptedRotationIsAuditedBeforeAndAfterTheSwap() throws IOException {
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 3));
      Archives.Rotation r = Archives.rotateKeys(a, null, "os:tester", "host-1");
      assertThat(r.newDataKeyId()).isEqualTo(2);
    }
    try (Archive a = Archives.open(dir, ArchiveOptions.defaults())) {
      List<Audit> audits = audits(a);
      assertThat(audits).extracting(Audit::action).containsExactly(KeyRotation.ACTION_BEGIN, KeyRotation.ACTION_DONE);
      assertThat(audits).allSatisfy(x -> {
        assertThat(x.sender().handle()).isEqualTo("os:tester");
        assertThat(x.address()).isEqualTo("host-1");
        assertThat(x.detail()).containsEntry("new_data_key", "2").doesNotContainKey("recovered");
      });
    }
    assertThat(dir.resolve(ArchiveLayout.KEYS).resolve(KeyRotation.PENDING)).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(KeyRotation.Step.class)
  void aCrashAtEachStepLeavesTheRotationInTheAuditTrail(KeyRotation.Step step) throws IOException {
    String oldMaster;
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(0, 3));
      oldMaster = a.encryption().keyRing().masterId();
    }
    Archive a = Archives.open(dir, ArchiveOptions.defaults());
    assertThatThrownBy(() -> Archives.rotateKeys(a, null, "os:tester", "host-1", reached -> {
      if (reached == step) {
        throw new IOException("crash injected after " + step);
      }
    })).isInstanceOf(IOException.class).hasMessageContaining(step.name());
    ((SegmentedArchive) a).crashForTest();

    boolean swapped = step.compareTo(KeyRotation.Step.KEYRING_SWAPPED) >= 0;
    try (Archive b = Archives.open(dir, ArchiveOptions.defaults())) {
      KeyRing ring = b.encryption().keyRing();
      assertThat(ring.masterId().equals(oldMaster)).as("keyring replaced").isEqualTo(!swapped);
      assertThat(ring.dataKeys()).hasSize(swapped ? 2 : 1);
      List<Audit> audits = audits(b);
      List<String> actions = audits.stream().map(Audit::action).toList();
      Audit recover = audits.stream().filter(x -> x.action().equals(Recovery.ACTION)).findFirst().orElseThrow();
      assertThat(recover.detail()).containsKey("key_rotation");
      if (swapped) {
        assertThat(actions).containsExactly(KeyRotation.ACTION_BEGIN, KeyRotation.ACTION_DONE, Recovery.ACTION);
        assertThat(recover.detail().get("key_rotation")).contains("had replaced the keyring");
      } else {
        assertThat(actions).containsExactly(KeyRotation.ACTION_BEGIN, KeyRotation.ACTION_ABANDONED, Recovery.ACTION);
        assertThat(recover.detail().get("key_rotation")).contains("abandoned");
      }
      // records appended by the crashed process are kept as they were; only the missing ones are marked recovered
      Audit begin = audits.get(0);
      assertThat(begin.detail().containsKey("recovered")).isEqualTo(step.compareTo(KeyRotation.Step.BEGIN_AUDITED) < 0);
      Audit second = audits.get(1);
      assertThat(second.detail().containsKey("recovered")).isEqualTo(step != KeyRotation.Step.DONE_AUDITED);
      assertThat(audits.subList(0, 2)).allSatisfy(x -> {
        assertThat(x.sender().handle()).isEqualTo("os:tester");
        assertThat(x.detail()).containsEntry("old_master_key", oldMaster);
      });
      for (long n = 0; n < 3; n++) {
        assertThat(b.get(RecordFixtures.message(n).id())).isPresent();
      }
      b.append(RecordFixtures.messages(3, 2)); // under the keyring in force
    }
    assertThat(dir.resolve(ArchiveLayout.KEYS).resolve(KeyRotation.PENDING)).doesNotExist();
    assertThat(Verifier.verify(dir, VerifyListener.NONE).problems()).isEmpty();
    // a second open finds nothing left to do, and a new rotation works
    try (Archive c = Archives.open(dir, ArchiveOptions.defaults())) {
      long before = c.size();
      Archives.rotateKeys(c, null, "os:tester", null);
      assertThat(c.size()).isEqualTo(before + 2);
      for (long n = 0; n < 5; n++) {
        assertThat(c.get(RecordFixtures.message(n).id())).isPresent();
      }
    }
  }

  private static List<Audit> audits(Archive a) throws IOException {
    List<Audit> out = new ArrayList<>();
    a.scan(1, r -> {
      Record rec = r.record();
      if (rec instanceof Audit x) {
        out.add(x);
      }
      return true;
    });
    return out;
  }
}
