package dev.coffer.cli;

import dev.coffer.connectors.wechat.oa.OfficialAccountConformance;
import dev.coffer.connectors.wecom.WeComConformance;
import dev.coffer.connectors.whatsapp.cloud.CloudApiConformance;
import dev.coffer.connectors.whatsapp.export.Conformance;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = {
      "Check a connector against a directory of real-world samples:",
      "  whatsapp-export  every file is imported into a fresh temporary archive (zone UTC) and every"
          + " input line must be accounted for by a record.",
      "  whatsapp-cloud   every webhook body (.json) must parse without an unparsed record, give"
          + " canonical records and the same ids when parsed again; then each is POSTed, signed, to a"
          + " running server (answered 200 with records archived; a retry archives nothing; a forged"
          + " signature gets 401).",
      "  wechat-oa        the published crypto vectors are reproduced; every sample callback body is"
          + " handled in plain and safe mode and gives records with the same ids, none unparsed; then"
          + " each is POSTed to a running server in both modes, as for whatsapp-cloud.",
      "  wecom            every .json/.jsonl is imported without keys; every message must give a"
          + " record (only page items without a key may stay encrypted).",
      "Exit status 0 only when no file failed and nothing was lost. Used by CI on ../shared/corpus."
    })
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE",
      description = "The connector to check: whatsapp-export, whatsapp-cloud, wechat-oa, wecom.")
  String source;

  @Parameters(index = "1", paramLabel = "DIR", description = "Directory of sample inputs (searched recursively).")
  Path dir;

  /** One check per connector, each a static run(dir, out) returning 0 when everything passed. */
  @FunctionalInterface
  private interface Check {
    int run(Path dir, PrintStream out) throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    Check check = switch (source) {
      case "whatsapp-export" -> Conformance::run;
      case "whatsapp-cloud" -> CloudApiConformance::run;
      case "wechat-oa" -> OfficialAccountConformance::run;
      case "wecom" -> WeComConformance::run;
      default -> throw new IllegalArgumentException("SOURCE must be whatsapp-export, whatsapp-cloud,"
          + " wechat-oa or wecom, not '" + source + "'");
    };
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int failed = check.run(dir, out);
    // The webhook sources also go through a running server by real HTTP, signed with test secrets.
    failed += switch (source) {
      case "whatsapp-cloud" -> ServerConformance.whatsApp(dir, out);
      case "wechat-oa" -> ServerConformance.weChat(dir, out);
      default -> 0;
    };
    return failed == 0 ? Coffer.OK : Coffer.FAILED;
  }
}
