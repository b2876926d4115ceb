package dev.coffer.cli;

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
      "Check an importer against a directory of real-world samples. whatsapp-export: every file is "
          + "imported into a fresh temporary archive (zone UTC) and every input line must be accounted "
          + "for by a record. whatsapp-cloud: every webhook body (.json) must parse without an unparsed "
          + "record, give canonical records and the same ids when parsed again.",
      "Exit status 0 only when no file failed and no line was lost. Used by CI on ../shared/corpus."
    })
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "The importer to check: whatsapp-export or whatsapp-cloud.")
  String source;

  @Parameters(index = "1", paramLabel = "DIR", description = "Directory of sample inputs (searched recursively).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (!source.equals("whatsapp-export") && !source.equals("whatsapp-cloud")) {
      throw new IllegalArgumentException(
          "SOURCE must be whatsapp-export or whatsapp-cloud, not '" + source + "'");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int status = source.equals("whatsapp-cloud") ? CloudApiConformance.run(dir, out)
        : Conformance.run(dir, out);
    return status == 0 ? Coffer.OK : Coffer.FAILED;
  }
}
