package dev.coffer.archive.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.proof.PythonVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 6962 vectors for every tree size 1..64: every inclusion proof (all leaves) and every consistency
 * proof (all pairs m <= n), three ways: {@link MerkleProofs}, a naive implementation written straight
 * from RFC 6962 §2.1.1 (PATH) and §2.1.2 (PROOF, SUBPROOF) over lists, and the verification algorithms of
 * {@code tools/verify_proof.py} (RFC 9162 §2.1.3.2, §2.1.4.2, another language). The whole set is pinned
 * by one SHA-256 so any change to the tree or proof definitions fails here. The published CT 8-leaf
 * vectors are in {@link MerkleGoldenTest}; leaf data here is the ASCII text {@code "leaf <i>"}.
 */
class MerkleVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX = 64;
  /** SHA-256 over every root, inclusion proof and consistency proof below, in order (see {@link #digestOfAll}). */
  private static final String PINNED = "3ea334d42496693dddb260ff3d3627cb4bd3bb08aac4fa3c7990ef47afb3948e";

  @TempDir Path tmp;

  static List<byte[]> data(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(("leaf " + i).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  static int split(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  /** RFC 6962 §2.1.1: PATH(m, D[n]). */
  static List<byte[]> naivePath(int m, List<byte[]> d) {
    List<byte[]> out = new ArrayList<>();
    if (d.size() <= 1) {
      return out;
    }
    int k = split(d.size());
    if (m < k) {
      out.addAll(naivePath(m, d.subList(0, k)));
      out.add(MerkleProperties.naiveRoot(d.subList(k, d.size())));
    } else {
      out.addAll(naivePath(m - k, d.subList(k, d.size())));
      out.add(MerkleProperties.naiveRoot(d.subList(0, k)));
    }
    return out;
  }

  /** RFC 6962 §2.1.2: PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  static List<byte[]> naiveProof(int m, List<byte[]> d) {
    return m == d.size() ? new ArrayList<>() : naiveSubproof(m, d, true);
  }

  static List<byte[]> naiveSubproof(int m, List<byte[]> d, boolean b) {
    List<byte[]> out = new ArrayList<>();
    int n = d.size();
    if (m == n) {
      if (!b) {
        out.add(MerkleProperties.naiveRoot(d));
      }
      return out;
    }
    int k = split(n);
    if (m <= k) {
      out.addAll(naiveSubproof(m, d.subList(0, k), b));
      out.add(MerkleProperties.naiveRoot(d.subList(k, n)));
    } else {
      out.addAll(naiveSubproof(m - k, d.subList(k, n), false));
      out.add(MerkleProperties.naiveRoot(d.subList(0, k)));
    }
    return out;
  }

  @Test
  void everyProofForSizesUpTo64MatchesTheNaiveDefinitionAndVerifies() throws Exception {
    List<byte[]> all = data(MAX);
    MerkleProofs.LeafHashes lh = i -> Rfc6962.leafHash(all.get((int) i));
    for (int n = 1; n <= MAX; n++) {
      List<byte[]> d = all.subList(0, n);
      byte[] root = MerkleProperties.naiveRoot(d);
      for (int m = 0; m < n; m++) {
        List<byte[]> proof = MerkleProofs.inclusionProof(m, n, lh);
        assertThat(proof).as("PATH(%d, D[%d])", m, n).usingRecursiveComparison().isEqualTo(naivePath(m, d));
        assertThat(MerkleProofs.verifyInclusion(m, n, lh.leafHash(m), proof, root)).as("verify %d in %d", m, n).isTrue();
      }
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = MerkleProofs.consistencyProof(m, n, lh);
        assertThat(proof).as("PROOF(%d, D[%d])", m, n).usingRecursiveComparison().isEqualTo(naiveProof(m, d));
        assertThat(MerkleProofs.verifyConsistency(m, n, MerkleProperties.naiveRoot(all.subList(0, m)), root, proof))
            .as("verify %d -> %d", m, n).isTrue();
      }
    }
  }

  @Test
  void theWholeVectorSetIsPinned() throws Exception {
    assertThat(digestOfAll()).isEqualTo(PINNED);
  }

  /** SHA-256 of, for n = 1..64: root(n), then each PATH(m, n), then each PROOF(m, n) for m = 1..n. */
  static String digestOfAll() throws Exception {
    List<byte[]> all = data(MAX);
    MerkleProofs.LeafHashes lh = i -> Rfc6962.leafHash(all.get((int) i));
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int n = 1; n <= MAX; n++) {
      md.update(MerkleProofs.subtreeHash(0, n, lh));
      for (int m = 0; m < n; m++) {
        MerkleProofs.inclusionProof(m, n, lh).forEach(md::update);
      }
      for (int m = 1; m <= n; m++) {
        MerkleProofs.consistencyProof(m, n, lh).forEach(md::update);
      }
    }
    return HEX.formatHex(md.digest());
  }

  @Test
  void thePythonVerifierAcceptsEveryVectorAndRefusesEveryOffByOne() throws Exception {
    List<byte[]> all = data(MAX);
    MerkleProofs.LeafHashes lh = i -> Rfc6962.leafHash(all.get((int) i));
    StringBuilder json = new StringBuilder("{\"roots\": [null");
    for (int n = 1; n <= MAX; n++) {
      json.append(", \"").append(HEX.formatHex(MerkleProofs.subtreeHash(0, n, lh))).append('"');
    }
    json.append("], \"leaves\": [");
    for (int i = 0; i < MAX; i++) {
      json.append(i == 0 ? "" : ", ").append('"').append(HEX.formatHex(lh.leafHash(i))).append('"');
    }
    json.append("], \"inclusion\": [");
    String sep = "";
    for (int n = 1; n <= MAX; n++) {
      for (int m = 0; m < n; m++) {
        json.append(sep).append("[").append(m).append(", ").append(n).append(", ").append(hexList(MerkleProofs.inclusionProof(m, n, lh))).append("]");
        sep = ", ";
      }
    }
    json.append("], \"consistency\": [");
    sep = "";
    for (int n = 1; n <= MAX; n++) {
      for (int m = 1; m <= n; m++) {
        json.append(sep).append("[").append(m).append(", ").append(n).append(", ").append(hexList(MerkleProofs.consistencyProof(m, n, lh))).append("]");
        sep = ", ";
      }
    }
    json.append("]}");
    Path vectors = tmp.resolve("vectors.json");
    Files.writeString(vectors, json);
    // Each vector must verify; claimed for another index or size (with that tree's true root), or with its
    // first hash zeroed, it must not.
    String script = String.join("\n",
        "import json, sys",
        "sys.path.insert(0, 'tools')",
        "import verify_proof as v",
        "t = json.load(open(sys.argv[1]))",
        "h = lambda xs: [bytes.fromhex(x) for x in xs]",
        "R, LV = [r and bytes.fromhex(r) for r in t['roots']], h(t['leaves'])",
        "def inc(m, n, p):",
        "    try: return v.root_from_path(m, n - 1, LV[m], p) == R[n]",
        "    except v.Invalid: return False",
        "good = bad = 0",
        "for m, n, p in t['inclusion']:",
        "    p = h(p); good += inc(m, n, p)",
        "    bad += (m + 1 < n and inc(m + 1, n, p)) + inc(m, n + 1, p) + bool(p and inc(m, n, [bytes(32)] + p[1:]))",
        "for m, n, p in t['consistency']:",
        "    p = h(p); good += v.consistent(m, n, R[m], R[n], p)",
        "    bad += (m > 1 and v.consistent(m - 1, n, R[m - 1], R[n], p)) + (n < 64 and v.consistent(m, n + 1, R[m], R[n + 1], p))",
        "    bad += bool(p and v.consistent(m, n, R[m], R[n], [bytes(32)] + p[1:]))",
        "print(good, bad)");
    PythonVerifier.Result r = PythonVerifier.run(List.of("-c", script, vectors.toString()));
    assertThat(r.status()).as(r.output()).isZero();
    int pairs = MAX * (MAX + 1) / 2;
    assertThat(r.output()).isEqualTo((2 * pairs) + " 0");
  }

  private static String hexList(List<byte[]> hashes) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < hashes.size(); i++) {
      s.append(i == 0 ? "" : ", ").append('"').append(HEX.formatHex(hashes.get(i))).append('"');
    }
    return s.append(']').toString();
  }
}
