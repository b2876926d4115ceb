package dev.coffer.archive;

import dev.coffer.archive.retention.Actor;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the retention tests. */
final class RetentionFixtures {
  static final Actor COMPLIANCE = new Actor("os:carol", "test-host", Actor.COMPLIANCE);
  static final Actor REVIEWER = new Actor("os:rick", "test-host", "reviewer");

  private RetentionFixtures() {}

  /** Every audit record with this action, in serial order. */
  static List<Audit> audits(Archive a, String action) throws IOException {
    List<Audit> out = new ArrayList<>();
    a.scan(1, r -> {
      Record rec = r.record();
      if (rec instanceof Audit au && au.action().equals(action)) {
        out.add(au);
      }
      return true;
    });
    return out;
  }
}
