package dev.coffer.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One figure of the suite: our value, each peer's value measured in the same run, the ratio ours /
 * peer, the target and whether the measurement met it.
 *
 * @param key a stable name for the JSON
 * @param title what it is, for the table
 * @param unit the unit of {@code ours} and of each peer
 * @param ours our value (median, min, max of the runs)
 * @param peers the peers, in the order they were measured
 * @param target the target as the issue states it, or null when the figure has none
 * @param met whether the target is met; null when there is no target
 * @param note how it was measured, where it differs from the wording
 */
public record Figure(String key, String title, String unit, Stats ours, List<Peer> peers, String target,
    Boolean met, String note) {

  public Figure {
    peers = List.copyOf(peers);
  }

  /**
   * @param ratio ours / peer, on the medians
   */
  public record Peer(String name, Stats value, double ratio) {
    static Peer of(String name, Stats value, Stats ours) {
      return new Peer(name, value, value.median() == 0 ? Double.NaN : ours.median() / value.median());
    }
  }

  static Builder builder(String key, String title, String unit) {
    return new Builder(key, title, unit);
  }

  static final class Builder {
    private final String key;
    private final String title;
    private final String unit;
    private Stats ours;
    private final List<Peer> peers = new ArrayList<>();
    private String target;
    private Boolean met;
    private String note;

    private Builder(String key, String title, String unit) {
      this.key = key;
      this.title = title;
      this.unit = unit;
    }

    Builder ours(Stats s) { ours = s; return this; }
    Builder peer(String name, Stats value) { peers.add(Peer.of(name, value, ours)); return this; }
    Builder target(String t, Boolean m) { target = t; met = m; return this; }
    Builder note(String n) { note = n; return this; }
    Figure build() { return new Figure(key, title, unit, ours, peers, target, met, note); }
  }
}
