package dev.coffer.archive.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Cross-checks the frontier and proofs against a naive recursive implementation written straight from
 * RFC 6962 §2.1 (independent of {@link MerkleProofs}' code paths), for tree sizes 1..80.
 */
class MerkleProperties {

  /** MTH(D[n]) exactly as RFC 6962 defines it, over the leaf data. */
  static byte[] naiveRoot(List<byte[]> data) {
    if (data.isEmpty()) {
      return Rfc6962.emptyRoot();
    }
    if (data.size() == 1) {
      return Rfc6962.leafHash(data.get(0));
    }
    int k = 1;
    while (k * 2 < data.size()) {
      k *= 2;
    }
    return Rfc6962.nodeHash(naiveRoot(data.subList(0, k)), naiveRoot(data.subList(k, data.size())));
  }

  static List<byte[]> leaves(int n, long seed) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] d = new byte[32];
      r.nextBytes(d);
      out.add(d);
    }
    return out;
  }

  @Property(tries = 80)
  void frontierRootEqualsNaiveRootAtEveryPrefix(@ForAll @IntRange(min = 1, max = 80) int n, @ForAll long seed) {
    List<byte[]> data = leaves(n, seed);
    MerkleFrontier f = new MerkleFrontier();
    for (int i = 0; i < n; i++) {
      f.appendLeafData(data.get(i));
      assertThat(f.root()).isEqualTo(naiveRoot(data.subList(0, i + 1)));
    }
  }

  @Property(tries = 60)
  void everyInclusionProofVerifiesAndNoOtherLeafPasses(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll long seed)
      throws Exception {
    List<byte[]> data = leaves(n, seed);
    byte[] root = naiveRoot(data);
    MerkleProofs.LeafHashes lh = i -> Rfc6962.leafHash(data.get((int) i));
    for (int i = 0; i < n; i++) {
      List<byte[]> proof = MerkleProofs.inclusionProof(i, n, lh);
      assertThat(MerkleProofs.verifyInclusion(i, n, lh.leafHash(i), proof, root)).as("leaf %d of %d", i, n).isTrue();
      int other = (i + 1) % n;
      if (other != i) {
        assertThat(MerkleProofs.verifyInclusion(i, n, lh.leafHash(other), proof, root)).isFalse();
        assertThat(MerkleProofs.verifyInclusion(other, n, lh.leafHash(i), proof, root)).isFalse();
      }
    }
  }

  @Property(tries = 40)
  void everyConsistencyProofVerifiesAndWrongRootsFail(@ForAll @IntRange(min = 1, max = 66) int n, @ForAll long seed)
      throws Exception {
    List<byte[]> data = leaves(n, seed);
    MerkleProofs.LeafHashes lh = i -> Rfc6962.leafHash(data.get((int) i));
    byte[] root2 = naiveRoot(data);
    for (int m = 0; m <= n; m++) {
      byte[] root1 = naiveRoot(data.subList(0, m));
      List<byte[]> proof = MerkleProofs.consistencyProof(m, n, lh);
      assertThat(MerkleProofs.verifyConsistency(m, n, root1, root2, proof)).as("%d -> %d", m, n).isTrue();
      if (m > 0 && m < n) {
        byte[] bad = root1.clone();
        bad[5] ^= 1;
        assertThat(MerkleProofs.verifyConsistency(m, n, bad, root2, proof)).isFalse();
        assertThat(MerkleProofs.verifyConsistency(m, n, root1, bad, proof)).isFalse();
      }
    }
  }

  @Property(tries = 50)
  void subtreeHashEqualsNaiveRoot(@ForAll @IntRange(min = 0, max = 64) int n, @ForAll long seed) throws Exception {
    List<byte[]> data = leaves(n, seed);
    assertThat(MerkleProofs.subtreeHash(0, n, i -> Rfc6962.leafHash(data.get((int) i)))).isEqualTo(naiveRoot(data));
  }
}
