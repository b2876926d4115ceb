package dev.coffer.cli;

import dev.coffer.connectors.wecom.FinanceSdkDecryptor;
import dev.coffer.connectors.wecom.WeComDecryptor;
import dev.coffer.connectors.wecom.WeComImportOptions;
import dev.coffer.connectors.wecom.WeComImportReport;
import dev.coffer.connectors.wecom.WeComImporter;
import dev.coffer.connectors.wecom.WeComKeys;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "wecom",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Import WeCom conversation-archive data (企业微信会话内容存档): the decrypted message stream the "
          + "Finance SDK produces (JSON per message: .jsonl, or .json files), or raw GetChatData pages "
          + "({\"chatdata\":[…]}), from a file or a directory (read in name order).",
      "Page items are decrypted with the firm's RSA key for their publickey_ver (--keys, --key) and the "
          + "SDK adapter; without them they are archived still encrypted, as unparsed records that say "
          + "why (exit status 3), never dropped. Media without the SDK are marked pending.",
      "The seq cursor (DATA/connectors/wecom/seq-cursor) moves only after records are durable: a "
          + "re-run resumes after it, and nothing is archived twice. See docs/wecom-archive.md.",
      ""
    },
    footer = {"", "Exit status: 0 imported; 3 imported, some input kept as unparsed records;",
        "2 usage or configuration error; 5 no archive; 1 failed."})
final class ImportWeComCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "A .json/.jsonl file, or a directory of them.")
  Path path;

  @Option(names = "--keys", paramLabel = "DIR",
      description = "Directory of RSA private keys named <publickey_ver>.pem (PKCS#1 or PKCS#8); keep every old version "
          + "(default: $COFFER_WECOM_KEYS).")
  Path keysDir;

  @Option(names = "--key", paramLabel = "VERSION=FILE",
      description = "One RSA private key for a publickey_ver (repeatable; adds to --keys).")
  Map<Integer, Path> keyFiles = new TreeMap<>();

  @Option(names = "--from-seq", paramLabel = "SEQ",
      description = "Read page items with a seq above SEQ instead of above the cursor (e.g. 0 to re-read pages once the SDK is available).")
  Long fromSeq;

  @Option(names = "--sdk",
      description = "Decrypt messages and fetch media with Tencent's Finance SDK (its jar in $COFFER_CLASSPATH, "
          + "its native library on -Djava.library.path in $COFFER_JAVA_OPTS; CorpID and archive Secret from "
          + "$COFFER_WECOM_CORP_ID and $COFFER_WECOM_SECRET). Without it, page items stay encrypted and media pending.")
  boolean sdk;

  @Option(names = "--json", description = "Print the import report as JSON.")
  boolean json;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
    String keysEnv = System.getenv("COFFER_WECOM_KEYS");
    Path dir = keysDir != null ? keysDir : keysEnv != null && !keysEnv.isBlank() ? Path.of(keysEnv) : null;
    WeComKeys keys = dir == null ? WeComKeys.none() : WeComKeys.fromDirectory(dir);
    for (Map.Entry<Integer, Path> e : keyFiles.entrySet()) {
      keys = keys.with(e.getKey(), e.getValue());
    }
    Path dataDir = data.resolve();
    Actor actor = Actor.current();
    WeComImportOptions options = WeComImportOptions.defaults().withKeys(keys)
        .withCursor(WeComImportOptions.cursorIn(dataDir)).withFromSeq(fromSeq)
        .withActor(actor.name(), actor.host());
    WeComImportReport report;
    try (WeComDecryptor decryptor = sdk ? FinanceSdkDecryptor.load(System.getenv("COFFER_WECOM_CORP_ID"),
            System.getenv("COFFER_WECOM_SECRET"), System.getenv("COFFER_WECOM_PROXY"),
            System.getenv("COFFER_WECOM_PROXY_PASSWORD"), 30) : null;
        Workspace ws = Workspace.open(dataDir, output)) {
      report = new WeComImporter(ws.archive).importPath(path, options.withDecryptor(decryptor));
    }
    output.json(report);
    if (!json) {
      print(output, report);
    }
    return report.exitCode();
  }

  static void print(Output output, WeComImportReport r) {
    int shown = 0;
    for (WeComImportReport.FileRead f : r.files()) {
      if (++shown > 10) {
        output.line("  … and " + (r.files().size() - 10) + " more file(s) (--json lists them all)");
        break;
      }
      output.line("Imported " + f.path() + "  (sha256 " + f.sha256() + ")");
    }
    output.line("  messages      " + r.messages() + " read, " + r.belowCursor() + " at or below the cursor (skipped)");
    output.line("  archived      " + r.recordsAppended() + " new records (durable), " + r.duplicates() + " already archived");
    output.line("  by kind       " + new TreeMap<>(r.recordsByKind()));
    if (r.keptEncrypted() > 0) {
      output.line("  encrypted     " + r.keptEncrypted() + " page item(s) kept encrypted (see their diagnostics)");
    }
    output.line("  attachments   " + r.attachmentsStored() + " stored, " + r.attachmentsPending() + " pending");
    output.line("  seq cursor    " + r.cursorBefore() + " -> " + r.cursorAfter()
        + (r.seqGaps().isEmpty() ? "" : ", gaps " + r.seqGaps()));
    output.line("  audit record  " + r.auditId());
    for (String w : r.warnings()) {
      output.line("  warning       " + w);
    }
  }
}
