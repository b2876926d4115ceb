package dev.coffer.cli;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.connectors.whatsapp.export.ExportGenerator;
import dev.coffer.connectors.whatsapp.export.ExportGenerator.Platform;
import dev.coffer.connectors.whatsapp.export.ExportImportReport;
import dev.coffer.connectors.whatsapp.export.ImportOptions;
import dev.coffer.connectors.whatsapp.export.WhatsAppExportImporter;
import dev.coffer.search.ConversationSummary;
import dev.coffer.search.Hit;
import dev.coffer.search.SearchRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Show Coffer working end to end: generate realistic demo exports (a trading-desk group with "
          + "media, 1:1 chats in English, German and Chinese, an iOS export), create the archive if "
          + "needed, import them, add conversations that show every part of the web app (photos, a voice "
          + "note, reactions, an edit, a deletion, a large group, a WeChat group in Chinese), verify the "
          + "archive, create the first admin, and start the web app (when run from a terminal).",
      "Safe to run again: re-imports add nothing twice."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--messages", defaultValue = "2000", paramLabel = "N",
      description = "Size of the largest demo chat (default: ${DEFAULT-VALUE}).")
  long messages;

  @Mixin DataDirOption data;

  @Option(names = "--serve", negatable = true,
      description = "Start the web app afterwards and wait (default: only when run from a terminal, so scripts "
          + "and CI never block; --no-serve to skip, --serve to force).")
  Boolean serve;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
      description = "Port of the web app (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Spec CommandSpec spec;

  /** One demo export: what to generate and the zone of the phone that exported it. */
  private record Chat(ExportGenerator.Options options, String zone, String ownerPhone, String ownerName) {}

  @Override
  public Integer call() throws Exception {
    Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), false);
    Path dir = data.resolve();
    Path inputs = dir.resolveSibling(dir.getFileName() + "-demo-input");
    Files.createDirectories(inputs);
    List<Chat> chats = List.of(
        new Chat(new ExportGenerator.Options(messages, 11, Platform.ANDROID, "en", 40, true), "Europe/London", "+447700900001", null),
        new Chat(new ExportGenerator.Options(Math.max(messages / 4, 50), 12, Platform.IOS, "en", 2, true), "America/New_York", "+12125550100", null),
        new Chat(new ExportGenerator.Options(Math.max(messages / 5, 50), 13, Platform.ANDROID, "de", 2, false), "Europe/Berlin", null, null),
        new Chat(new ExportGenerator.Options(Math.max(messages / 5, 50), 14, Platform.IOS, "zh", 6, false), "Asia/Shanghai", null, null),
        new Chat(new ExportGenerator.Options(Math.max(messages / 10, 50), 15, Platform.ANDROID, "fr", 2, false), "Europe/Paris", null, null));

    output.line("Coffer demo");
    output.line("  archive  " + dir);
    output.line("  inputs   " + inputs);
    if (!Archives.exists(dir)) {
      try (Archive created = Archives.create(dir, ArchiveOptions.defaults())) {
        output.line("  created a new archive " + created.archiveId());
      }
    }

    output.line("");
    output.line("1. Generating " + chats.size() + " WhatsApp exports");
    for (Chat c : chats) {
      ExportGenerator g = new ExportGenerator(c.options());
      Path file = inputs.resolve(g.fileName());
      if (!Files.exists(file)) {
        g.write(file);
      }
      output.line("   " + file.getFileName() + "  (" + Files.size(file) / 1024 + " KiB)");
    }

    output.line("");
    output.line("2. Importing (records count only once durable)");
    Actor actor = Actor.current();
    int worst = Coffer.OK;
    List<ConversationSummary> convs;
    try (Workspace ws = Workspace.open(dir, output)) {
      for (Chat c : chats) {
        ExportGenerator g = new ExportGenerator(c.options());
        Path file = inputs.resolve(g.fileName());
        ImportOptions options = new ImportOptions(ZoneId.of(c.zone()), c.ownerPhone(), c.ownerName(), null, null,
            actor.name(), actor.host(), null);
        ExportImportReport r;
        try (Progress p = Progress.start(output, "   " + shorten(g.fileName()), 0, "KiB", 1024)) {
          r = new WhatsAppExportImporter(ws.archive).importExport(file, options, (total, done) -> {
            p.max(total);
            p.to(done);
          });
        }
        output.line(String.format("   %-44s %6d new, %6d already archived, %4d attachments, lines %d/%d, %s",
            shorten(r.fileName()), r.recordsAppended(), r.duplicates(), r.attachmentsStored(),
            r.linesCovered(), r.linesTotal(), r.dateOrder() + " in " + r.zone()));
        worst = Math.max(worst, r.status().code());
      }
      int web = dev.coffer.web.DemoConversations.append(ws.archive);
      output.line(String.format("   %-44s %6d new (photos, a voice note, a video, reactions, an edit, a deletion, WeChat in Chinese)",
          "web app demo conversations", web));
      if (dev.coffer.server.directory.DirectoryStore.latestDigest(dir) == null) {
        // The firm's own people, so the search page's direction filter tells outbound from inbound.
        String csv = "id,name,phones,whatsapp,wechat_openid\n"
            + "e1,Sam Trader,+447700900001,+447700900001,\n"
            + "e2,Dana Lee,+12125550100,+12125550100,\n"
            + "e3,Chen Jie,,,wxid_chenjie\n";
        dev.coffer.server.directory.DirectoryStore.importDirectory(ws.archive, dir,
            dev.coffer.server.directory.Directory.parse(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                dev.coffer.server.directory.Directory.Format.CSV, null),
            actor.name(), actor.host(), "demo-directory.csv");
        output.line(String.format("   %-44s %6d employees (their messages are outbound in the web app)",
            "demo directory", 3));
      }
      ws.index.refresh();

      output.line("");
      output.line("3. Searching for 'contract' (every search is archived as an audit record)");
      SearchRequest request = SearchRequest.builder().query("contract").kinds(SearchCommand.CONTENT_KINDS).limit(3).highlight("«", "»").build();
      var results = ws.index.search(request);
      ws.audit(actor, "search", List.of(), java.util.Map.of("query", "contract", "hits", Long.toString(results.totalHits()), "via", "demo"));
      output.line("   " + results.totalHits() + " hits; the first " + results.hits().size() + ":");
      for (Hit h : results.hits()) {
        output.line("   " + Dates.local(h.sentAt(), ZoneId.systemDefault()) + "  " + h.conversationTitle() + "  "
            + Show.who(h.senderName(), h.senderHandle()) + ": " + firstLine(h.snippet()));
      }
      convs = ws.index.conversations();
    }

    output.line("");
    output.line("4. Verifying the archive from scratch");
    String d = dir.toString();
    CommandLine verify = new CommandLine(new VerifyCommand());
    verify.setOut(output.out());
    verify.setErr(output.err());
    verify.setExecutionExceptionHandler(new Failures());
    int verified = verify.execute("--data", d);
    if (verified != Coffer.OK) {
      output.warn("coffer demo: verification failed; see above");
      return verified;
    }

    output.line("");
    output.line("5. Users of the web app");
    dev.coffer.web.auth.UserStore users = UsersCommand.open(dir);
    char[] adminPassword = null;
    char[] reviewerPassword = null;
    if (users.isEmpty()) {
      adminPassword = users.add("admin", dev.coffer.web.auth.Role.ADMIN);
      reviewerPassword = users.add("reviewer", dev.coffer.web.auth.Role.REVIEWER);
      users.update("reviewer", u -> u.withAssignments(new dev.coffer.web.auth.Assignments(java.util.Set.of(),
          java.util.Set.of(dev.coffer.web.DemoConversations.DESK_ID), java.util.Set.of())));
      UsersCommand.audit(dir, "user-added", java.util.Map.of("user", "admin", "new_role", "admin", "via", "demo"));
      UsersCommand.audit(dir, "user-added", java.util.Map.of("user", "reviewer", "new_role", "reviewer", "via", "demo"));
      output.line("   admin     (admin)     one-time password: " + new String(adminPassword));
      output.line("   reviewer  (reviewer)  one-time password: " + new String(reviewerPassword)
          + "   (sees only the \"FX Desk London\" group)");
      output.line("   Each chooses their own password at first sign-in.");
    } else {
      output.line("   Users exist already: " + users.list().stream().map(u -> u.name() + " (" + u.role().label() + ")")
          .collect(java.util.stream.Collectors.joining(", ")));
      output.line("   Forgotten a password? ./coffer users reset-password admin" + (data.data == null ? "" : " --data " + dir));
    }

    boolean serving = serve != null ? serve : System.console() != null;
    if (serving) {
      java.util.Map<String, String> overrides = new java.util.HashMap<>();
      overrides.put("data", dir.toString());
      overrides.put("port", Integer.toString(port));
      overrides.put("host", "127.0.0.1");
      dev.coffer.server.ServerConfig cfg = dev.coffer.server.ServerConfig.load(null, System.getenv(), overrides);
      dev.coffer.server.CofferServer server = dev.coffer.server.CofferServer.start(cfg,
          dev.coffer.server.CofferServer.discoverExtensions());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception e) {
          System.err.println("coffer demo: error while stopping: " + e);
        }
      }, "coffer-demo-shutdown"));
      output.line("");
      output.line("The web app is running: open " + server.uri().toString().replace("://localhost", "://127.0.0.1")
          + "/  and sign in as admin" + (adminPassword == null ? "." : " with the one-time password above."));
      output.line("Try: search \"never guarantee\" and open the hit in its conversation; 报价; the audit trail.");
      output.line("Press Ctrl-C to stop.");
      output.out().flush();
      server.awaitStop();
      return Coffer.OK;
    }

    output.line("");
    output.line("Next, try:");
    output.line("  ./coffer serve" + (data.data == null ? "" : " --data " + d)
        + "      # the web app on http://127.0.0.1:8080/, sign in as admin");
    String dataArg = data.data == null ? "" : " --data " + d;
    output.line("  ./coffer conversations" + dataArg);
    if (!convs.isEmpty()) {
      output.line("  ./coffer show " + convs.get(0).id() + dataArg + "      # " + convs.get(0).title());
    }
    output.line("  ./coffer search '报价 OR contract' --since 2020-01-01" + dataArg);
    output.line("  ./coffer search '*' --kind system --sort newest" + dataArg);
    output.line("  ./coffer export --format jsonl --out demo.jsonl" + dataArg);
    output.line("  ./coffer verify" + dataArg + "     # then flip a byte anywhere under " + d + " and run it again");
    return worst == Coffer.OK || worst == 3 ? Coffer.OK : worst;
  }

  private static String shorten(String s) {
    return s.length() <= 44 ? s : s.substring(0, 41) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl) + " …";
    return line.length() > 100 ? line.substring(0, 100) + "…" : line;
  }
}
