package dev.coffer.search;

import dev.coffer.model.Audit;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;

/**
 * Which way a record went, as the record itself shows it: {@code outbound} when its sender is the
 * firm's side, {@code inbound} otherwise. Indexed (docs/search.md, field {@code direction}); the
 * directory's employees are added at query time ({@link SearchRequest#firmHandles()}), so a directory
 * import takes effect at once without rewriting the index.
 *
 * <p>What a record shows on its own:
 * <ul>
 *   <li>WhatsApp Business Cloud API: a message from {@code message_echoes} (sent from the business
 *       app) is the business's own — its provenance pointer names that array;
 *   <li>WeCom (the archive SDK): senders are the firm's user ids, except external contacts
 *       ({@code wo…}, {@code wm…}) and robots ({@code wb…});
 *   <li>WeChat Official Account: the account's own id ({@code gh_…}) as sender;
 *   <li>anything else (exports, inbound webhooks) is inbound unless the directory names the sender.
 * </ul>
 * Records without a sender and Coffer's own audit records have no direction.
 */
final class Directions {
  static final String OUTBOUND = "outbound";
  static final String INBOUND = "inbound";

  private Directions() {}

  /** {@link #OUTBOUND}, {@link #INBOUND}, or null when the record has no direction. */
  static String of(Record record) {
    Party sender = record.sender();
    if (record instanceof Audit || sender == null) {
      return null;
    }
    return firmSide(record.channel(), sender, record.source()) ? OUTBOUND : INBOUND;
  }

  private static boolean firmSide(String channel, Party sender, Source source) {
    String handle = sender.handle();
    if (source != null && source.range() != null && source.range().contains("/message_echoes/")) {
      return true;
    }
    if (handle == null) {
      return false;
    }
    return switch (channel) {
      case "wecom" -> !(handle.startsWith("wo") || handle.startsWith("wm") || handle.startsWith("wb"));
      case "wechat" -> handle.startsWith("gh_");
      default -> false;
    };
  }
}
