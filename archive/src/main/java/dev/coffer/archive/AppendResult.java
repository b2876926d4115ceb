package dev.coffer.archive;

import java.util.List;

/**
 * What {@link Archive#append} did with each record.
 *
 * @param outcomes one per input record, in input order
 */
public record AppendResult(List<Outcome> outcomes) {

  /**
   * @param id the record's id
   * @param serial its serial (the existing one for a duplicate)
   * @param duplicate true if the id was already archived (or repeated earlier in the batch)
   */
  public record Outcome(String id, long serial, boolean duplicate) {}

  public long appended() {
    return outcomes.stream().filter(o -> !o.duplicate()).count();
  }

  public long duplicates() {
    return outcomes.stream().filter(Outcome::duplicate).count();
  }
}
