package dev.coffer.server.directory;

import dev.coffer.connectors.whatsapp.cloud.ContactSync;
import dev.coffer.model.Record;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The external contacts the archive's contact-sync records name: a projection (derived state,
 * rebuildable from the archive alone). Feed it every record in any order ({@link #accept}, during a
 * scan) or the changes of a webhook once they are durable ({@link #apply}); each change is counted
 * once (by its record id), and a contact's state is its latest change by time, so out-of-order and
 * re-delivered syncs give the same book. Thread-safe.
 */
public final class ContactBook {
  /** What contacts synced from the WhatsApp Business app name as their source. */
  public static final String WHATSAPP_SOURCE = "whatsapp-cloud-api smb_app_state_sync";

  private final Map<String, List<Contact.Change>> changes = new LinkedHashMap<>();
  private final Set<String> seen = new HashSet<>();

  /** Takes the record's contact-book change, if it holds one; other records are ignored. */
  public void accept(Record record) {
    ContactSync.of(record).ifPresent(this::apply);
  }

  /** Takes one contact-book change (the record it names must be durable). */
  public synchronized void apply(ContactSync sync) {
    if (sync.phone() == null || sync.businessNumber() == null || !seen.add(sync.recordId())) {
      return;
    }
    String action = switch (sync.action()) {
      case ADD -> "add";
      case REMOVE -> "remove";
      case OTHER -> "other";
    };
    String name = sync.fullName() != null ? sync.fullName() : sync.firstName();
    changes.computeIfAbsent(sync.businessNumber() + "\u0000" + sync.phone(), k -> new ArrayList<>())
        .add(new Contact.Change(action, name, sync.at(), sync.recordId()));
  }

  /** Every contact, removed ones included, in the order first seen. */
  public synchronized List<Contact> contacts() {
    List<Contact> out = new ArrayList<>(changes.size());
    changes.forEach((key, list) -> {
      int z = key.indexOf('\u0000');
      List<Contact.Change> h = new ArrayList<>(list);
      h.sort(Comparator.comparing(Contact.Change::at, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Contact.Change::recordId));
      Contact.Change latest = h.getLast();
      String name = null;
      for (Contact.Change c : h.reversed()) {
        if (c.name() != null) {
          name = c.name();
          break;
        }
      }
      Instant removedAt = latest.action().equals("remove") ? latest.at() : null;
      out.add(new Contact(key.substring(z + 1), name, key.substring(0, z), "whatsapp", WHATSAPP_SOURCE,
          latest.at(), removedAt, h));
    });
    return out;
  }

  /** How many changes were taken. */
  public synchronized int changes() {
    return seen.size();
  }
}
