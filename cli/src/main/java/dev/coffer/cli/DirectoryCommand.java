package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.archive.crypto.Encryption;
import dev.coffer.archive.crypto.MasterKeySource;
import dev.coffer.archive.layout.ArchiveInUseException;
import dev.coffer.model.Audit;
import dev.coffer.model.Record;
import dev.coffer.server.directory.Contact;
import dev.coffer.server.directory.ContactBook;
import dev.coffer.server.directory.Directory;
import dev.coffer.server.directory.DirectoryInbox;
import dev.coffer.server.directory.DirectoryStore;
import dev.coffer.server.directory.Employee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "directory",
    mixinStandardHelpOptions = true,
    description = {
      "Who is who: employees and their phone numbers, WhatsApp Business numbers, WeChat OpenIDs and WeCom "
          + "user ids, so records name the employee (custodian) behind a handle.",
      "The directory is kept inside the archive (a blob plus an audit record per import). While 'coffer serve' "
          + "runs, 'directory import' hands the file to the server (sealed with the archive's keys), which archives it "
          + "and puts it in force at once.",
      "External contacts (named in a WhatsApp Business app contact book, synced by the Cloud API) are read from "
          + "the archive: 'directory contacts' lists them; they name handles but are never custodians."
    },
    subcommands = {
      DirectoryCommand.Import.class,
      DirectoryCommand.ListEmployees.class,
      DirectoryCommand.Unmapped.class,
      DirectoryCommand.Contacts.class,
    })
final class DirectoryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exit status of a refused directory file (nothing imported). */
  static final int REFUSED = 10;

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import a directory from CSV (header: id,name,email,phones,whatsapp,wechat_openid,wecom_userid; "
          + "several values in a cell separated by ';') or JSON ({\"employees\":[…]}). It replaces the current "
          + "directory; every version stays in the archive. A file with an invalid row is refused whole.")
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The directory file (.csv or .json).")
    Path file;

    @Option(names = "--format", paramLabel = "csv|json", description = "Input format (default: from the file name).")
    Directory.Format format;

    @Option(names = "--region", paramLabel = "CC", description = "Region for phone numbers written without a "
        + "country code, e.g. GB (default: numbers must start with +).")
    String region;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "While 'coffer serve' runs, how long to wait for "
        + "it to take the directory (default 30).")
    int wait = 30;

    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Directory.Format f = format != null ? format
          : file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? Directory.Format.JSON
          : Directory.Format.CSV;
      Directory directory;
      try {
        directory = Directory.parse(Files.readAllBytes(file), f, region == null ? null : region.toUpperCase(Locale.ROOT));
      } catch (Directory.RefusedException e) {
        output.warn("coffer: " + e.getMessage());
        return REFUSED;
      }
      Path dir = data.resolve();
      Actor actor = Actor.current();
      String digest;
      String how;
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        digest = DirectoryInbox.locked(dir, () -> DirectoryStore.importDirectory(archive, dir, directory, actor.name(),
            actor.host(), file.getFileName().toString()));
        how = "";
      } catch (ArchiveInUseException busy) {
        // coffer serve holds the archive: hand the directory to it (sealed with the archive's keys)
        Encryption encryption = Archives.encryption(dir, MasterKeySource.standard(dir));
        String id = DirectoryInbox.submit(dir, encryption, directory, actor.name(), actor.host(),
            file.getFileName().toString());
        Optional<DirectoryInbox.Answer> answer = DirectoryInbox.await(dir, id, Duration.ofSeconds(wait));
        if (answer.isEmpty() && DirectoryInbox.withdraw(dir, id)) {
          output.warn("coffer: " + busy.getMessage() + "; and no running 'coffer serve' took the directory within "
              + wait + " s (withdrawn, nothing imported)");
          return Coffer.FAILED;
        }
        if (answer.isEmpty()) {
          answer = DirectoryInbox.await(dir, id, Duration.ofSeconds(60)); // taken: the answer is on its way
        }
        if (answer.isEmpty()) {
          output.warn("coffer: the running server took the directory but has not answered; check 'coffer directory "
              + "list' once it answers");
          return Coffer.FAILED;
        }
        if (answer.get().refused() != null) {
          output.warn("coffer: " + answer.get().refused());
          return Coffer.FAILED;
        }
        digest = answer.get().directory();
        how = " by the running server, in force now";
      }
      int handles = directory.employees().stream().mapToInt(e -> e.handles().size()).sum();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("employees", directory.employees().size());
      result.put("handles", handles);
      result.put("directory", digest);
      output.json(result);
      output.line("Imported a directory of " + directory.employees().size() + " employees with " + handles
          + " handles (archived as blob " + digest + how + ").");
      return Coffer.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the current directory's employees and their handles (an audit record names who looked).")
  static final class ListEmployees implements Callable<Integer> {
    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        Directory d = DirectoryStore.load(archive, dir);
        Workspace.audit(archive, Actor.current(), "directory-view", List.of(),
            Map.of("directory", String.valueOf(DirectoryStore.latestDigest(dir))));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Employee e : d.employees()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", e.id());
          m.put("name", e.name());
          m.put("email", e.email());
          m.put("phones", e.phones());
          m.put("whatsapp", e.whatsAppNumbers());
          m.put("wechat_openid", e.weChatOpenIds());
          m.put("wecom_userid", e.weComUserIds());
          list.add(m);
          output.line(e.id() + "  " + e.name() + (e.email() == null ? "" : " <" + e.email() + ">"));
          line(output, "phones", e.phones());
          line(output, "whatsapp", e.whatsAppNumbers());
          line(output, "wechat openid", e.weChatOpenIds());
          line(output, "wecom userid", e.weComUserIds());
        }
        if (d.employees().isEmpty()) {
          output.line("No directory imported yet: coffer directory import FILE");
        }
        output.json(list);
      }
      return Coffer.OK;
    }

    private static void line(Output output, String label, List<String> values) {
      if (!values.isEmpty()) {
        output.line("    " + label + ": " + String.join(", ", values));
      }
    }
  }

  @Command(name = "unmapped", mixinStandardHelpOptions = true,
      description = "List handles seen in archived records that no employee in the directory maps to, most "
          + "frequent first, for an admin to resolve (customers appear here too: map only employees).")
  static final class Unmapped implements Callable<Integer> {
    @Option(names = "--channel", paramLabel = "NAME", description = "Only this channel (whatsapp, wechat, wecom).")
    String channel;

    @Option(names = "--limit", paramLabel = "N", description = "At most N handles (default 100).")
    int limit = 100;

    @Option(names = "--unknown", description = "Only handles that are neither an employee nor a named external "
        + "contact (the ones nobody has named yet).")
    boolean unknown;

    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    record Seen(String channel, String handle, long records, Instant last, Directory.Resolution contact) {}

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        Directory d = DirectoryStore.load(archive, dir);
        ContactBook book = new ContactBook();
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        archive.scan(1, stored -> {
          Record r = stored.record();
          book.accept(r);
          if (r instanceof Audit || (channel != null && !channel.equals(r.channel()))) {
            return true;
          }
          for (String h : new java.util.LinkedHashSet<>(Directory.handlesOf(r))) {
            if (!d.maps(h)) {
              String key = r.channel() + "\u0000" + h;
              counts.computeIfAbsent(key, k -> new long[1])[0]++;
              if (r.sentAt() != null) {
                last.merge(key, r.sentAt(), (a, b) -> a.isAfter(b) ? a : b);
              }
            }
          }
          return true;
        });
        Directory named = d.withContacts(book.contacts());
        List<Seen> seen = new ArrayList<>();
        counts.forEach((k, c) -> {
          int z = k.indexOf('\u0000');
          String handle = k.substring(z + 1);
          Directory.Resolution contact = named.resolve(handle, null).orElse(null);
          if (!unknown || contact == null) {
            seen.add(new Seen(k.substring(0, z), handle, c[0], last.get(k), contact));
          }
        });
        seen.sort(java.util.Comparator.comparingLong(Seen::records).reversed().thenComparing(Seen::handle));
        List<Seen> shown = seen.subList(0, Math.min(limit, seen.size()));
        Workspace.audit(archive, Actor.current(), "directory-unmapped", List.of(),
            Map.of("handles", String.valueOf(shown.size())));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Seen s : shown) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("channel", s.channel());
          m.put("handle", s.handle());
          m.put("records", s.records());
          m.put("last", s.last() == null ? null : s.last().toString());
          m.put("contact", s.contact() == null ? null : contactJson(s.contact()));
          list.add(m);
          output.line(String.format(Locale.ROOT, "%-9s %-28s %8d  %s%s", s.channel(), s.handle(), s.records(),
              s.last() == null ? "" : s.last().toString(), s.contact() == null ? ""
                  : "  contact \"" + (s.contact().name() == null ? "" : s.contact().name()) + "\" in the book of "
                      + s.contact().businessNumber() + (s.contact().current() ? "" : " (removed)")));
        }
        output.line(seen.isEmpty() ? (unknown ? "Every handle in the archive is an employee or a named contact."
                : "Every handle in the archive maps to an employee (or there are no records).")
            : shown.size() + " of " + seen.size() + " unmapped handles shown.");
        output.json(list);
      }
      return Coffer.OK;
    }
  }

  private static Map<String, Object> contactJson(Directory.Resolution c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("business_number", c.businessNumber());
    m.put("current", c.current());
    return m;
  }

  @Command(name = "contacts", mixinStandardHelpOptions = true,
      description = "List external contacts: people named in a business number's contact book (WhatsApp Business "
          + "app, synced by the Cloud API's smb_app_state_sync), with the book, the sync time and every change; "
          + "removed contacts stay listed with their history. Read from the archive (an audit record names who "
          + "looked). Contacts name handles; they are never custodians.")
  static final class Contacts implements Callable<Integer> {
    @Option(names = "--current", description = "Only contacts still in their book.")
    boolean currentOnly;

    @Mixin JsonOption jsonOption;
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Output output = jsonOption.output(spec);
      Path dir = data.resolve();
      try (Archive archive = Archives.open(dir, ArchiveOptions.defaults())) {
        ContactBook book = new ContactBook();
        archive.scan(1, stored -> {
          book.accept(stored.record());
          return true;
        });
        List<Contact> contacts = book.contacts().stream().filter(c -> !currentOnly || c.current()).toList();
        Workspace.audit(archive, Actor.current(), "directory-contacts-view", List.of(),
            Map.of("contacts", String.valueOf(contacts.size())));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Contact c : contacts) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("handle", c.handle());
          m.put("name", c.name());
          m.put("business_number", c.businessNumber());
          m.put("channel", c.channel());
          m.put("source", c.source());
          m.put("synced_at", c.syncedAt() == null ? null : c.syncedAt().toString());
          m.put("removed_at", c.removedAt() == null ? null : c.removedAt().toString());
          List<Map<String, Object>> history = new ArrayList<>();
          for (Contact.Change ch : c.history()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("action", ch.action());
            h.put("name", ch.name());
            h.put("at", ch.at() == null ? null : ch.at().toString());
            h.put("record", ch.recordId());
            history.add(h);
          }
          m.put("history", history);
          list.add(m);
          output.line(String.format(Locale.ROOT, "%-20s %-28s book of %s, %s %s", c.handle(),
              c.name() == null ? "(no name)" : "\"" + c.name() + "\"", c.businessNumber(),
              c.current() ? "synced" : "REMOVED", c.current() ? c.syncedAt() : c.removedAt()));
        }
        output.line(contacts.isEmpty() ? "No external contacts synced (coexistence numbers' smb_app_state_sync)."
            : contacts.size() + " external contact(s).");
        output.json(list);
      }
      return Coffer.OK;
    }
  }
}
