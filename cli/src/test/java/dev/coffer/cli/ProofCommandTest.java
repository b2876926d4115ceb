package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.StoredRecord;
import dev.coffer.archive.proof.ProofVerifier;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer proof} end to end: the files it writes verify with tools/verify_proof.py, and it audits itself. */
class ProofCommandTest {
  @TempDir Path tmp;
  Path data;

  record Run(int status, String out, String err) {}

  static Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Coffer.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  /** Runs python3 tools/verify_proof.py on the files; returns exit status and output. */
  static Run python(Path... files) throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("tools/verify_proof.py"))) {
      root = root.getParent();
    }
    List<String> cmd = new ArrayList<>(List.of("python3", "-I", root.resolve("tools/verify_proof.py").toString()));
    for (Path f : files) {
      cmd.add(f.toString());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, "");
  }

  @BeforeEach
  void setUp() throws Exception {
    data = tmp.resolve("data");
    assertThat(coffer("init", "--data", data.toString()).status()).isZero();
    Path fixture = Path.of(getClass().getResource("/exports/WhatsApp Chat with Rates Desk.txt").toURI());
    Path export = tmp.resolve("chat.txt");
    Files.copy(fixture, export);
    Run r = coffer("import", "whatsapp", export.toString(), "--zone", "Europe/London", "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
  }

  private List<StoredRecord> records() throws IOException {
    List<StoredRecord> all = new ArrayList<>();
    try (Archive a = Archives.open(data, ArchiveOptions.defaults())) {
      a.scan(1, all::add);
    }
    return all;
  }

  @Test
  void inclusionAndConsistencyProofsVerifyWithThePythonToolAndAreAudited() throws Exception {
    List<StoredRecord> before = records();
    String id = before.get(4).record().id();
    long size = before.size();

    Path latest = tmp.resolve("latest.json");
    Run r = coffer("proof", id, "--out", latest.toString(), "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();

    Path atSize = tmp.resolve("at-size.json");
    Run stdout = coffer("proof", id, "--checkpoint", Long.toString(size), "--data", data.toString());
    assertThat(stdout.status()).as(stdout.err()).isZero();
    Files.writeString(atSize, stdout.out());
    assertThat(ProofVerifier.verify(Files.readAllBytes(atSize)).valid()).isTrue();

    // the first proof request was audited: the archive grew, so prove the old size extends to the new
    Path consistency = tmp.resolve("consistency.json");
    long grown = records().size();
    assertThat(grown).isEqualTo(size + 2);
    Run c = coffer("proof", "--consistency", Long.toString(size), Long.toString(grown), "--out", consistency.toString(),
        "--data", data.toString());
    assertThat(c.status()).as(c.err()).isZero();

    Run py = python(latest, atSize, consistency);
    assertThat(py.status()).as(py.out()).isZero();
    assertThat(py.out().lines().toList()).hasSize(3).allMatch(l -> l.contains(": OK: "));
    assertThat(py.out()).contains("record " + id + " ").contains("tree extends the " + size + "-record tree");

    List<StoredRecord> after = records();
    List<Audit> audits = after.subList(before.size(), after.size()).stream().map(StoredRecord::record)
        .filter(Audit.class::isInstance).map(Audit.class::cast).toList();
    assertThat(audits).extracting(Audit::action).containsExactly("proof", "proof", "proof");
    assertThat(audits.get(0).targets()).containsExactly(id);
    assertThat(audits.get(2).detail()).containsEntry("kind", "consistency");
  }

  @Test
  void refusesToOverwriteUnknownIdsAndSizesThatAreNotCheckpoints() throws Exception {
    Record first = records().get(0).record();
    Path existing = tmp.resolve("exists.json");
    Files.writeString(existing, "keep me");
    Run over = coffer("proof", first.id(), "--out", existing.toString(), "--data", data.toString());
    assertThat(over.status()).isEqualTo(Coffer.USAGE);
    assertThat(over.err()).contains("refusing to overwrite");
    assertThat(Files.readString(existing)).isEqualTo("keep me");

    Run unknown = coffer("proof", "no-such-record", "--data", data.toString());
    assertThat(unknown.status()).isEqualTo(Coffer.USAGE);
    assertThat(unknown.err()).contains("no archived record has id no-such-record");

    Run notCheckpoint = coffer("proof", "--consistency", "0", "999999", "--data", data.toString());
    assertThat(notCheckpoint.status()).isEqualTo(Coffer.USAGE);
    assertThat(notCheckpoint.err()).contains("no signed checkpoint of size 999999");

    Run noArchive = coffer("proof", first.id(), "--data", tmp.resolve("nothing").toString());
    assertThat(noArchive.status()).isEqualTo(Coffer.NO_ARCHIVE);
  }
}
