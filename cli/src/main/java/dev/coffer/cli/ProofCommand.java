package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.proof.ConsistencyProof;
import dev.coffer.archive.proof.InclusionProof;
import dev.coffer.archive.proof.Proof;
import dev.coffer.archive.proof.ProofJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "proof",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a self-contained JSON proof that anyone can check without Coffer (docs/proof-format.md):",
      "  coffer proof RECORD_ID              the record is in the archive under a signed checkpoint",
      "  coffer proof --consistency OLD NEW  the checkpoint of NEW records extends the one of OLD records",
      "Check it with: python3 tools/verify_proof.py FILE (or any RFC 6962 / C2SP checkpoint tool).",
      "The request itself is archived as an audit record."
    })
final class ProofCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RECORD_ID | OLD NEW", arity = "1..2",
      description = "A record id; with --consistency, two checkpoint sizes.")
  List<String> args;

  @Option(names = "--consistency", description = "Prove the checkpoint of NEW records extends the one of OLD records.")
  boolean consistency;

  @Option(names = "--checkpoint", paramLabel = "SIZE",
      description = "Prove against the checkpoint of SIZE records (a commit boundary) instead of the latest.")
  Long checkpoint;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (refuses to overwrite) instead of standard output.")
  Path out;

  @Mixin RoleOption role;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    role.signIn(data.resolve());
    if (consistency ? args.size() != 2 || checkpoint != null : args.size() != 1) {
      throw new IllegalArgumentException(consistency ? "--consistency takes two checkpoint sizes, OLD NEW, and no --checkpoint"
          : "give one record id (or --consistency OLD NEW)");
    }
    if (out != null && Files.exists(out)) {
      throw new IllegalArgumentException("--out " + out + " exists; refusing to overwrite it");
    }
    // The archive alone: a proof must not depend on the derived search index.
    try (Archive archive = Archives.open(data.resolve(), ArchiveOptions.defaults())) {
      Proof proof;
      Map<String, String> detail = new LinkedHashMap<>();
      List<String> targets;
      if (consistency) {
        ConsistencyProof c = archive.proveConsistency(size(args.get(0), "OLD"), size(args.get(1), "NEW"));
        proof = c;
        targets = List.of();
        detail.put("kind", "consistency");
        detail.put("oldSize", Long.toString(c.oldSize()));
        detail.put("newSize", Long.toString(c.newSize()));
      } else {
        long size = checkpoint != null ? checkpoint : archive.latestCheckpoint().size();
        // An inclusion proof holds the record itself: a restricted one goes only to compliance.
        if (!role.seesRestricted() && archive.retention().restricted(args.get(0))) {
          throw new IllegalArgumentException("no archived record has id " + args.get(0));
        }
        InclusionProof i = archive.proveInclusion(args.get(0), size);
        proof = i;
        targets = List.of(i.recordId());
        detail.put("kind", "inclusion");
        detail.put("serial", Long.toString(i.serial()));
        detail.put("treeSize", Long.toString(i.treeSize()));
      }
      byte[] bytes = ProofJson.write(proof);
      if (out == null) {
        spec.commandLine().getOut().print(new String(bytes, StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
      } else {
        Files.write(out, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        detail.put("file", out.toAbsolutePath().toString());
      }
      detail.put("role", role.resolve());
      Workspace.audit(archive, role.who(), "proof", targets, detail);
      if (out != null) {
        spec.commandLine().getErr().println("Wrote " + detail.get("kind") + " proof to " + out
            + " (check it with python3 tools/verify_proof.py " + out + ")");
        spec.commandLine().getErr().flush();
      }
    }
    return Coffer.OK;
  }

  private static long size(String s, String name) {
    try {
      long n = Long.parseLong(s);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a checkpoint size (a non-negative integer), got " + s);
  }
}
