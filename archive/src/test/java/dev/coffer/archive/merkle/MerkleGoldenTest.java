package dev.coffer.archive.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The published RFC 6962 test tree: eight leaves used by Certificate Transparency and
 * transparency-dev/merkle (testonly/constants.go, proof/verify_test.go), with the known root at every
 * size and the known inclusion and consistency paths. Matching them means our hashing, frontier and
 * proofs interoperate with standard CT tools.
 */
class MerkleGoldenTest {
  private static final HexFormat HEX = HexFormat.of();
  static final List<byte[]> LEAF_DATA = hex("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
      "606162636465666768696a6b6c6d6e6f");
  static final List<byte[]> ROOTS = hex(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  /** {index (0-based), size, path}. */
  record Inclusion(long index, long size, List<byte[]> path) {}

  /** {size1, size2, path}. */
  record Consistency(long size1, long size2, List<byte[]> path) {}

  static final List<Inclusion> INCLUSION = List.of(
      new Inclusion(0, 1, List.of()),
      new Inclusion(0, 8, hex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
      new Inclusion(5, 8, hex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
      new Inclusion(2, 3, hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
      new Inclusion(1, 5, hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

  static final List<Consistency> CONSISTENCY = List.of(
      new Consistency(1, 1, List.of()),
      new Consistency(1, 8, hex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
      new Consistency(6, 8, hex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
      new Consistency(2, 5, hex("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
      new Consistency(6, 7, hex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

  static List<byte[]> hex(String... s) {
    List<byte[]> out = new ArrayList<>();
    for (String h : s) {
      out.add(HEX.parseHex(h));
    }
    return out;
  }

  private static final MerkleProofs.LeafHashes LEAVES = i -> Rfc6962.leafHash(LEAF_DATA.get((int) i));

  @Test
  void emptyRootIsSha256OfNothing() {
    assertThat(new MerkleFrontier().root()).isEqualTo(ROOTS.get(0));
    assertThat(Rfc6962.emptyRoot()).isEqualTo(ROOTS.get(0));
  }

  @Test
  void frontierRootMatchesThePublishedRootAtEverySize() {
    MerkleFrontier f = new MerkleFrontier();
    for (int size = 1; size <= 8; size++) {
      f.appendLeafData(LEAF_DATA.get(size - 1));
      assertThat(HEX.formatHex(f.root())).as("size %d", size).isEqualTo(HEX.formatHex(ROOTS.get(size)));
      assertThat(f.hashes()).hasSize(Long.bitCount(size));
    }
  }

  @Test
  void leafHashesMatchThePublishedLevelZero() {
    assertThat(HEX.formatHex(Rfc6962.leafHash(LEAF_DATA.get(0))))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assertThat(HEX.formatHex(Rfc6962.leafHash(LEAF_DATA.get(7))))
        .isEqualTo("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");
  }

  @Test
  void generatedInclusionProofsEqualThePublishedPathsAndVerify() throws Exception {
    for (Inclusion v : INCLUSION) {
      List<byte[]> proof = MerkleProofs.inclusionProof(v.index(), v.size(), LEAVES);
      assertThat(proof).as("index %d size %d", v.index(), v.size()).usingRecursiveComparison().isEqualTo(v.path());
      byte[] leaf = LEAVES.leafHash(v.index());
      assertThat(MerkleProofs.verifyInclusion(v.index(), v.size(), leaf, v.path(), ROOTS.get((int) v.size()))).isTrue();
    }
  }

  @Test
  void generatedConsistencyProofsEqualThePublishedPathsAndVerify() throws Exception {
    for (Consistency v : CONSISTENCY) {
      List<byte[]> proof = MerkleProofs.consistencyProof(v.size1(), v.size2(), LEAVES);
      assertThat(proof).as("%d -> %d", v.size1(), v.size2()).usingRecursiveComparison().isEqualTo(v.path());
      assertThat(MerkleProofs.verifyConsistency(v.size1(), v.size2(), ROOTS.get((int) v.size1()),
          ROOTS.get((int) v.size2()), v.path())).isTrue();
    }
  }

  @Test
  void corruptedInclusionProofsAreRejected() throws Exception {
    Inclusion v = INCLUSION.get(2);
    byte[] leaf = LEAVES.leafHash(v.index());
    byte[] root = ROOTS.get(8);
    List<byte[]> p = v.path();
    assertThat(MerkleProofs.verifyInclusion(v.index() - 1, 8, leaf, p, root)).as("index-1").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index() + 1, 8, leaf, p, root)).as("index+1").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index(), 16, leaf, p, root)).as("size*2").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index(), 4, leaf, p, root)).as("size/2").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index(), 8, LEAVES.leafHash(0), p, root)).as("wrong leaf").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index(), 8, leaf, p, ROOTS.get(0))).as("empty root").isFalse();
    List<byte[]> trailing = new ArrayList<>(p);
    trailing.add(root);
    assertThat(MerkleProofs.verifyInclusion(v.index(), 8, leaf, trailing, root)).as("trailing root").isFalse();
    List<byte[]> preceding = new ArrayList<>(p);
    preceding.add(0, root);
    assertThat(MerkleProofs.verifyInclusion(v.index(), 8, leaf, preceding, root)).as("preceding root").isFalse();
    assertThat(MerkleProofs.verifyInclusion(v.index(), 8, leaf, p.subList(0, 2), root)).as("removed").isFalse();
    for (int i = 0; i < p.size(); i++) {
      List<byte[]> flipped = new ArrayList<>(p);
      byte[] h = p.get(i).clone();
      h[0] ^= 8;
      flipped.set(i, h);
      assertThat(MerkleProofs.verifyInclusion(v.index(), 8, leaf, flipped, root)).as("bit flip %d", i).isFalse();
    }
  }

  @Test
  void corruptedConsistencyProofsAreRejected() {
    Consistency v = CONSISTENCY.get(2);
    byte[] r1 = ROOTS.get(6);
    byte[] r2 = ROOTS.get(8);
    List<byte[]> p = v.path();
    assertThat(MerkleProofs.verifyConsistency(5, 8, r1, r2, p)).isFalse();
    assertThat(MerkleProofs.verifyConsistency(7, 8, r1, r2, p)).isFalse();
    assertThat(MerkleProofs.verifyConsistency(6, 16, r1, r2, p)).isFalse();
    assertThat(MerkleProofs.verifyConsistency(6, 8, r2, r1, p)).as("swapped").isFalse();
    assertThat(MerkleProofs.verifyConsistency(6, 8, r1, r2, List.of())).as("empty").isFalse();
    assertThat(MerkleProofs.verifyConsistency(6, 8, r1, r2, p.subList(0, 2))).as("truncated").isFalse();
    List<byte[]> trailing = new ArrayList<>(p);
    trailing.add(r2);
    assertThat(MerkleProofs.verifyConsistency(6, 8, r1, r2, trailing)).as("trailing").isFalse();
    for (int i = 0; i < p.size(); i++) {
      List<byte[]> flipped = new ArrayList<>(p);
      byte[] h = p.get(i).clone();
      h[0] ^= 16;
      flipped.set(i, h);
      assertThat(MerkleProofs.verifyConsistency(6, 8, r1, r2, flipped)).as("bit flip %d", i).isFalse();
    }
  }

  @Test
  void trivialConsistencyCases() {
    byte[] a = ROOTS.get(1);
    byte[] b = ROOTS.get(2);
    assertThat(MerkleProofs.verifyConsistency(0, 0, a, a, List.of())).isTrue();
    assertThat(MerkleProofs.verifyConsistency(0, 1, a, b, List.of())).isTrue();
    assertThat(MerkleProofs.verifyConsistency(1, 1, a, b, List.of())).isFalse();
    assertThat(MerkleProofs.verifyConsistency(2, 1, a, b, List.of())).isFalse();
    assertThat(MerkleProofs.verifyConsistency(1, 2, a, b, List.of())).isFalse();
    assertThat(MerkleProofs.verifyConsistency(0, 1, ROOTS.get(0), ROOTS.get(0), List.of(ROOTS.get(0)))).isFalse();
  }

  @Test
  void frontierSurvivesEncoding() {
    MerkleFrontier f = new MerkleFrontier();
    for (int i = 0; i < 7; i++) {
      f.appendLeafData(LEAF_DATA.get(i));
    }
    MerkleFrontier back = MerkleFrontier.decode(java.nio.ByteBuffer.wrap(f.encode()));
    assertThat(back.sameAs(f)).isTrue();
    back.appendLeafData(LEAF_DATA.get(7));
    assertThat(back.root()).isEqualTo(ROOTS.get(8));
  }
}
