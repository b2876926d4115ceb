package dev.coffer.archive;

import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic records for archive tests (shipped in the test-jar). */
public final class RecordFixtures {
  private RecordFixtures() {}

  /** A message whose id derives from {@code n}: the same n gives the same id. */
  public static Record message(long n) {
    return Message.builder()
        .id(Ids.derive("test/message", Long.toString(n)))
        .channel("whatsapp")
        .conversation(new Conversation("conv-" + (n % 7), ConversationKind.GROUP, "Desk " + (n % 7)))
        .sender(new Party("+1555000" + String.format("%04d", n % 10_000), "Person " + (n % 13)))
        .sentAt(Instant.ofEpochSecond(1_790_000_000L + n))
        .text("message number " + n + " — 北京 😀 " + "lorem ipsum ".repeat((int) (n % 5)))
        .source(new Source("test", null, null, "line " + n, null))
        .build();
  }

  /** Messages {@code from .. from+count-1}. */
  public static List<Record> messages(long from, int count) {
    List<Record> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(message(i));
    }
    return out;
  }
}
