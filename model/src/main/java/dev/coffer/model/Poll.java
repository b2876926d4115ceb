package dev.coffer.model;

import java.util.List;

/**
 * A poll as the source shows it.
 *
 * @param question the poll's question
 * @param options the options, in order, with vote counts where the source gives them
 */
public record Poll(String question, List<Option> options) {
  /** One poll option; {@code votes} is null when the source does not give a count. */
  public record Option(String text, Long votes) {}
}
