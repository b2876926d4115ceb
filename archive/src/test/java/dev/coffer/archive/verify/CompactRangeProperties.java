package dev.coffer.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.Rfc6962;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A tree built from compact ranges, split anywhere, is the tree built leaf by leaf: same frontier
 * (so same root) at every split point, whatever the offset the ranges start at.
 */
class CompactRangeProperties {

  @Property(tries = 200)
  void rangesSplitAnywhereGiveTheLeafByLeafFrontier(@ForAll @IntRange(min = 0, max = 300) int before,
      @ForAll @IntRange(min = 1, max = 300) int count, @ForAll @IntRange(min = 0, max = 6) int splits, @ForAll long seed) {
    Random r = new Random(seed);
    byte[] leaves = new byte[32 * count];
    r.nextBytes(leaves);
    MerkleFrontier byLeaf = new MerkleFrontier();
    MerkleFrontier byRange = new MerkleFrontier();
    byte[] filler = new byte[32];
    for (int i = 0; i < before; i++) {
      r.nextBytes(filler);
      byte[] h = Rfc6962.leafHash(filler);
      byLeaf.appendLeafHash(h);
      byRange.appendLeafHash(h);
    }
    TreeSet<Long> cuts = new TreeSet<>();
    for (int i = 0; i < splits; i++) {
      cuts.add(before + 1L + r.nextInt(count));
    }
    cuts.add((long) before + count);
    long from = before;
    byte[] scratch = new byte[leaves.length];
    for (long cut : cuts) {
      CompactRange range = CompactRange.of(leaves, before, from, cut, scratch);
      assertThat(range.begin()).isEqualTo(from);
      assertThat(range.levels().length).isLessThanOrEqualTo(2 * 63);
      range.appendTo(byRange);
      for (long i = from; i < cut; i++) {
        byLeaf.appendLeafHash(leaves, (int) (32 * (i - before)));
      }
      assertThat(byRange.size()).isEqualTo(cut);
      assertThat(byRange.sameAs(byLeaf)).isTrue();
      assertThat(byRange.root()).isEqualTo(byLeaf.root());
      from = cut;
    }
  }
}
