package dev.coffer.cli;

import dev.coffer.archive.Archives;
import dev.coffer.archive.Mirrors;
import dev.coffer.archive.NoArchiveException;
import dev.coffer.archive.crypto.MasterKeySource;
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
      "The wrapped keyring (keys/keyring) is restored too: the newer copy wins. When the primary is lost entirely, "
          + "'--from-mirror MIRROR_DIR --data NEW_DIR' rebuilds it from the mirror; the master key is never on the "
          + "mirror: supply its escrowed copy with $COFFER_MASTER_KEY_FILE (or $COFFER_MASTER_KEY).",
      "Exit status 0 when both copies agree afterwards; 1 if something was left unresolved."
    })
final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from-mirror", required = true, arity = "0..1", fallbackValue = "", paramLabel = "MIRROR_DIR",
      description = "Restore from the archive's mirror (the one mirror.conf names), or from MIRROR_DIR when the "
          + "primary was lost and --data names an empty directory to rebuild it in.")
  String fromMirror;

  @Mixin DataDirOption data;

  @Mixin JsonOption jsonOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = jsonOption.output(spec);
    Path dir = data.resolve();
    Path location = fromMirror == null || fromMirror.isBlank() ? null : Path.of(fromMirror);
    if (!Archives.exists(dir) && location == null) {
      throw new NoArchiveException(dir);
    }
    Actor actor = Actor.current();
    Mirrors.Restored r = Mirrors.restoreFromMirror(dir, location, MasterKeySource.standard(dir), actor.name(),
        actor.host());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("copied_from_mirror", r.copied());
    m.put("replaced_from_mirror", r.replaced());
    m.put("copied_to_mirror", r.copiedToMirror());
    m.put("rebuilt_primary", r.recreated());
    m.put("keyring", r.keyring());
    List<Map<String, String>> list = new ArrayList<>();
    for (Problem p : r.unresolved()) {
      Map<String, String> pm = new LinkedHashMap<>();
      pm.put("object", p.object());
      pm.put("what", p.what());
      list.add(pm);
    }
    m.put("unresolved", list);
    output.json(m);
    if (r.recreated()) {
      output.line("The primary at " + dir + " was rebuilt from its mirror (manifest, signing keys, keyring, objects).");
    }
    output.line("Keyring: " + r.keyring() + ".");
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
