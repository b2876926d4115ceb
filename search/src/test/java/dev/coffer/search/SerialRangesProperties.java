package dev.coffer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SerialRangesProperties {
  @Property
  void thePrefixIsTheLargestGapFreeRunWhateverTheOrder(
      @ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int missing) {
    List<Long> serials = new ArrayList<>();
    for (long s = 1; s <= n; s++) {
      serials.add(s);
      if (s % 7 == 0) {
        serials.add(s); // duplicates are harmless
      }
    }
    Random random = new Random(seed);
    Collections.shuffle(serials, random);
    boolean leaveOut = missing >= 1 && missing <= n;
    SerialRanges ranges = new SerialRanges(0);
    for (long s : serials) {
      if (!(leaveOut && s == missing)) {
        ranges.add(s);
      }
    }
    assertThat(ranges.through()).isEqualTo(leaveOut ? missing - 1 : n);
    assertThat(ranges.pendingRanges()).isLessThanOrEqualTo(leaveOut && missing < n ? 1 : 0);
  }
}
