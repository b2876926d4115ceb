package dev.coffer.archive.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.RecordFixtures;
import dev.coffer.archive.checkpoint.SignedNote;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.model.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proofs the archive produces verify with the Java verifier and with the independent Python tool, for
 * several archive sizes and leaf positions; tampered proofs, named after what they break, are refused by
 * both.
 */
class ProofTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  /** An archive of {@code n} records appended in batches of 1, 2, 3, ... (many segments and checkpoints). */
  private Archive archive(int n) throws Exception {
    Archive a = Archives.create(tmp.resolve("data-" + n), ArchiveOptions.defaults());
    int done = 0;
    for (int batch = 1; done < n; batch++) {
      int k = Math.min(batch, n - done);
      a.append(RecordFixtures.messages(done + 1L, k));
      done += k;
    }
    return a;
  }

  /** Commit boundaries of {@link #archive}: 0, 1, 3, 6, 10, ... and n. */
  private static List<Long> boundaries(int n) {
    List<Long> out = new ArrayList<>(List.of(0L));
    long done = 0;
    for (int batch = 1; done < n; batch++) {
      done += Math.min(batch, n - done);
      out.add(done);
    }
    return out;
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path f = tmp.resolve(name + ".json");
    Files.write(f, bytes);
    return f;
  }

  private final List<Path> forPython = new ArrayList<>();

  /** Checks with the Java verifier now, and queues the file for {@link #pythonAcceptsAll}. */
  private void assertValid(String name, Proof proof) throws Exception {
    byte[] file = ProofJson.write(proof);
    assertThat(ProofVerifier.verify(file).valid()).as(name + ": " + ProofVerifier.verify(file).message()).isTrue();
    forPython.add(write(name, file));
  }

  /** One python process for every queued file: each line must say OK, and the exit status be 0. */
  private void pythonAcceptsAll() throws Exception {
    PythonVerifier.Result py = PythonVerifier.verifyAll(forPython);
    List<String> lines = py.output().lines().toList();
    assertThat(lines).hasSize(forPython.size());
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).startsWith(forPython.get(i) + ": OK: ");
    }
    assertThat(py.status()).as(py.output()).isZero();
    forPython.clear();
  }

  private void assertRefused(String name, byte[] file, String pythonSays) throws Exception {
    ProofVerifier.Verdict v = ProofVerifier.verify(file);
    assertThat(v.valid()).as(name + " accepted by Java: " + v.message()).isFalse();
    PythonVerifier.Result py = PythonVerifier.verify(write(name, file));
    assertThat(py.status()).as(name + ": " + py.output()).isNotZero();
    assertThat(py.output()).as(name).startsWith("FAILED: ").contains(pythonSays);
  }

  /** As {@link #assertRefused} for many files, with one python process. */
  private void assertAllRefused(Map<String, byte[]> files, Map<String, String> pythonSays) throws Exception {
    List<Path> paths = new ArrayList<>();
    for (var e : files.entrySet()) {
      ProofVerifier.Verdict v = ProofVerifier.verify(e.getValue());
      assertThat(v.valid()).as(e.getKey() + " accepted by Java: " + v.message()).isFalse();
      paths.add(write(e.getKey(), e.getValue()));
    }
    PythonVerifier.Result py = PythonVerifier.verifyAll(paths);
    List<String> lines = py.output().lines().toList();
    assertThat(lines).as(py.output()).hasSize(paths.size());
    int i = 0;
    for (String name : files.keySet()) {
      assertThat(lines.get(i)).startsWith(paths.get(i) + ": FAILED: ").contains(pythonSays.get(name));
      i++;
    }
    assertThat(py.status()).isNotZero();
  }

  private static byte[] tamper(byte[] file, UnaryOperator<ObjectNode> change) throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(file);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(change.apply(n));
  }

  @Test
  void inclusionProofsVerifyForManySizesAndPositions() throws Exception {
    for (int n : new int[] {1, 2, 3, 7, 8, 9, 64, 1000}) {
      try (Archive a = archive(n)) {
        TreeSet<Long> serials = new TreeSet<>(List.of(1L, (long) n, (n + 1L) / 2, Math.min(n, 2L), Math.min(n, 8L),
            Math.min(n, 9L), Math.max(1L, n - 1L)));
        for (long s : serials) {
          InclusionProof p = a.proveInclusion(s, n);
          assertThat(p.serial()).isEqualTo(s);
          assertThat(p.recordId()).isEqualTo(RecordFixtures.message(s).id());
          assertValid("inclusion-" + n + "-" + s, p);
        }
        // against an older checkpoint, by id
        List<Long> b = boundaries(n);
        long older = b.get(b.size() / 2 + 1 > b.size() - 1 ? b.size() - 1 : b.size() / 2 + 1);
        InclusionProof old = a.proveInclusion(RecordFixtures.message(1).id(), older);
        assertThat(old.treeSize()).isEqualTo(older);
        assertValid("inclusion-" + n + "-1-at-" + older, old);
      }
    }
    pythonAcceptsAll();
  }

  @Test
  void consistencyProofsVerifyBetweenCheckpoints() throws Exception {
    for (int n : new int[] {1, 2, 3, 7, 8, 9, 64, 1000}) {
      try (Archive a = archive(n)) {
        List<Long> b = boundaries(n);
        List<long[]> pairs = new ArrayList<>();
        pairs.add(new long[] {0, n});
        pairs.add(new long[] {n, n});
        pairs.add(new long[] {b.get(1), n});
        pairs.add(new long[] {b.get(b.size() / 2), n});
        pairs.add(new long[] {b.get(b.size() / 3), b.get(2 * b.size() / 3)});
        for (long[] p : pairs) {
          ConsistencyProof c = a.proveConsistency(p[0], p[1]);
          assertValid("consistency-" + n + "-" + p[0] + "-" + p[1], c);
        }
      }
    }
    pythonAcceptsAll();
  }

  @Test
  void tamperedInclusionProofsAreRefusedByBoth() throws Exception {
    try (Archive a = archive(100)) {
      InclusionProof good = a.proveInclusion(37, 100);
      byte[] file = ProofJson.write(good);
      InclusionProof other = a.proveInclusion(38, 100);
      byte[] otherKey = SignedNote.rawPublicKey(SigningKeys.generate().publicKey());
      Map<String, byte[]> tampered = new LinkedHashMap<>();
      Map<String, String> says = new LinkedHashMap<>();
      tampered.put("wrong-leaf", tamper(file, n -> n.put("canonical", Base64.getEncoder().encodeToString(other.canonical()))
          .put("digest", Digests.hex(other.digest())).put("recordId", other.recordId())));
      says.put("wrong-leaf", "inclusionPath does not lead");
      tampered.put("wrong-index", tamper(file, n -> n.put("leafIndex", 37)));
      says.put("wrong-index", "inclusionPath does not lead");
      tampered.put("truncated-path", tamper(file, n -> {
        ((ArrayNode) n.get("inclusionPath")).remove(n.get("inclusionPath").size() - 1);
        return n;
      }));
      says.put("truncated-path", "too short");
      tampered.put("modified-checkpoint", tamper(file, n -> n.put("checkpoint",
          n.get("checkpoint").textValue().replaceFirst("\ntime (\\d)", "\ntime 9$1"))));
      says.put("modified-checkpoint", "no Ed25519 signature");
      tampered.put("wrong-key", tamper(file, n -> n.put("publicKey", Base64.getEncoder().encodeToString(otherKey))));
      says.put("wrong-key", "no Ed25519 signature");
      tampered.put("modified-record", tamper(file, n -> {
        byte[] c = good.canonical();
        c[c.length / 2] ^= 1;
        return n.put("canonical", Base64.getEncoder().encodeToString(c));
      }));
      says.put("modified-record", "digest is not the SHA-256");
      tampered.put("wrong-tree-size", tamper(file, n -> n.put("treeSize", 99)));
      says.put("wrong-tree-size", "is not treeSize");
      tampered.put("flipped-path-hash", tamper(file, n -> {
        ArrayNode path = (ArrayNode) n.get("inclusionPath");
        String h = path.get(0).textValue();
        path.set(0, (h.charAt(0) == '0' ? "1" : "0") + h.substring(1));
        return n;
      }));
      says.put("flipped-path-hash", "inclusionPath does not lead");
      // The five the issue names, each in its own process (its exit status alone); the rest together.
      for (String name : List.of("wrong-leaf", "wrong-index", "truncated-path", "modified-checkpoint", "wrong-key")) {
        assertRefused(name, tampered.remove(name), says.get(name));
      }
      assertAllRefused(tampered, says);
    }
  }

  @Test
  void tamperedConsistencyProofsAreRefusedByBoth() throws Exception {
    try (Archive a = archive(100)) {
      List<Long> b = boundaries(100);
      long old = b.get(5);
      byte[] file = ProofJson.write(a.proveConsistency(old, 100));
      byte[] otherKey = SignedNote.rawPublicKey(SigningKeys.generate().publicKey());
      assertRefused("swapped-checkpoints", tamper(file, n -> {
        String o = n.get("oldCheckpoint").textValue();
        return n.put("oldCheckpoint", n.get("newCheckpoint").textValue()).put("newCheckpoint", o);
      }), "checkpoint sizes");
      assertRefused("truncated-proof", tamper(file, n -> {
        ((ArrayNode) n.get("consistencyPath")).remove(n.get("consistencyPath").size() - 1);
        return n;
      }), "does not prove");
      Map<String, byte[]> more = new LinkedHashMap<>();
      more.put("wrong-key", tamper(file, n -> n.put("publicKey", Base64.getEncoder().encodeToString(otherKey))));
      more.put("modified-checkpoint", tamper(file, n -> n.put("newCheckpoint",
          n.get("newCheckpoint").textValue().replaceFirst("\n100\n", "\n101\n"))));
      more.put("wrong-sizes", tamper(file, n -> n.put("oldSize", old + 1)));
      more.put("flipped-path-hash", tamper(file, n -> {
        ArrayNode path = (ArrayNode) n.get("consistencyPath");
        String h = path.get(0).textValue();
        path.set(0, (h.charAt(0) == '0' ? "1" : "0") + h.substring(1));
        return n;
      }));
      assertAllRefused(more, Map.of("wrong-key", "no Ed25519 signature", "modified-checkpoint", "no Ed25519 signature",
          "wrong-sizes", "checkpoint sizes", "flipped-path-hash", "does not prove"));
    }
  }

  @Test
  void malformedFilesAreRefusedAsMalformed() throws Exception {
    try (Archive a = archive(3)) {
      byte[] file = ProofJson.write(a.proveInclusion(2, 3));
      Map<String, byte[]> bad = new LinkedHashMap<>();
      bad.put("not-json", "{".getBytes(StandardCharsets.UTF_8));
      bad.put("missing-field", tamper(file, n -> (ObjectNode) n.without("checkpoint")));
      bad.put("index-as-string", tamper(file, n -> n.put("leafIndex", "1")));
      bad.put("path-not-hex", tamper(file, n -> {
        ((ArrayNode) n.get("inclusionPath")).set(0, "zz");
        return n;
      }));
      assertAllRefused(bad, Map.of("not-json", "malformed", "missing-field", "malformed", "index-as-string", "malformed",
          "path-not-hex", "malformed"));
      assertThat(ProofVerifier.verify(tamper(file, n -> n.put("extra", 1))).valid()).isFalse();
    }
  }

  @Test
  void fileRoundTripsAndNamesTheArchiveKey() throws Exception {
    try (Archive a = archive(9)) {
      InclusionProof p = a.proveInclusion(5, 9);
      Proof back = ProofJson.read(ProofJson.write(p));
      assertThat(ProofJson.write(back)).isEqualTo(ProofJson.write(p));
      assertThat(ProofVerifier.verify(back, a.signingKey()).valid()).isTrue();
      assertThat(ProofVerifier.verify(back, SigningKeys.generate().publicKey()).valid()).isFalse();
      assertThat(ProofVerifier.verify(back).message()).contains(SigningKeys.fingerprint(a.signingKey()));
      assertThat(p.checkpoint()).startsWith("coffer-archive/" + a.archiveId() + "\n9\n")
          .contains("\n\n\u2014 coffer-archive/" + a.archiveId() + " ");
    }
  }

  @Test
  void requestsOutsideTheCheckpointsAreRefused() throws Exception {
    try (Archive a = archive(7)) { // boundaries 0, 1, 3, 6, 7
      assertThatThrownBy(() -> a.proveInclusion(1, 2)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no signed checkpoint of size 2");
      assertThatThrownBy(() -> a.proveInclusion(7, 6)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> a.proveInclusion(1, 8)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> a.proveInclusion("no-such-id", 7)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> a.proveConsistency(6, 3)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> a.proveConsistency(2, 7)).isInstanceOf(IllegalArgumentException.class);
      assertThat(a.checkpoint(6)).isPresent();
      assertThat(a.checkpoint(5)).isEmpty();
    }
  }

  @Test
  void proofsStillWorkAfterReopening() throws Exception {
    Path dir = tmp.resolve("reopen");
    try (Archive a = Archives.create(dir, ArchiveOptions.defaults())) {
      a.append(RecordFixtures.messages(1, 5));
      a.append(RecordFixtures.messages(6, 20));
    }
    try (Archive a = Archives.open(dir, ArchiveOptions.defaults())) {
      assertValid("reopened-inclusion", a.proveInclusion(3, 25));
      assertValid("reopened-consistency", a.proveConsistency(5, 25));
    }
    pythonAcceptsAll();
  }
}
