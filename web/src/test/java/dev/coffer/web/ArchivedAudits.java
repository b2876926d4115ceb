package dev.coffer.web;

import dev.coffer.model.Audit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit actions a fixture's archive holds. */
final class ArchivedAudits {
  private ArchivedAudits() {}

  static List<String> actions(WebFixture app) throws IOException {
    List<String> out = new ArrayList<>();
    app.archive.scan(1, sr -> {
      if (sr.record() instanceof Audit a) {
        out.add(a.action());
      }
      return true;
    });
    return out;
  }
}
