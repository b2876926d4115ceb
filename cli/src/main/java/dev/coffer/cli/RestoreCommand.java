package dev.coffer.cli;

import dev.coffer.archive.Archives;
import dev.coffer.archive.Mirrors;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.verify.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Repair the primary copy from the mirror: copy back every object missing on the primary; where the two "
          + "differ, replace the primary's copy only if it fails its format check and the mirror's passes (the "
          + "damaged bytes are kept in quarantine/); copy objects missing on the mirror to it. Anything it cannot "
          + "decide is listed and left alone. Refused while a writer has the archive open. Audited.",
      "Exit status 0 when both copies agree afterwards; 1 if something was left unresolved."
    })
final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from-mirror", required = true, description = "Restore from the archive's mirror (mirror.conf).")
  boolean fromMirror;

  @Mixin DataDirOption data;

  @Mixin JsonOption jsonOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    if (!Archives.exists(dir)) {
      throw new NoArchiveException(dir);
    }
    Actor actor = Actor.current();
    Mirrors.Restored r = Mirrors.restoreFromMirror(dir, actor.name(), actor.host());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("copied_from_mirror", r.copied());
    m.put("replaced_from_mirror", r.replaced());
    m.put("copied_to_mirror", r.copiedToMirror());
    List<Map<String, String>> list = new ArrayList<>();
    for (Problem p : r.unresolved()) {
      Map<String, String> pm = new LinkedHashMap<>();
      pm.put("object", p.object());
      pm.put("what", p.what());
      list.add(pm);
    }
    m.put("unresolved", list);
    output.json(m);
    output.line("Restored from the mirror: " + r.copied() + " object(s) copied back, " + r.replaced()
        + " damaged object(s) replaced (originals kept in quarantine/), " + r.copiedToMirror() + " copied to the mirror.");
    for (Problem p : r.unresolved()) {
      output.line("  unresolved: " + p);
    }
    if (r.unresolved().isEmpty()) {
      output.line("Next: coffer verify --mirror --data " + dir);
    }
    return r.unresolved().isEmpty() ? Coffer.OK : Coffer.FAILED;
  }
}
