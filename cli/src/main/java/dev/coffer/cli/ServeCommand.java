package dev.coffer.cli;

import dev.coffer.server.CofferServer;
import dev.coffer.server.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Coffer server: capture webhooks (/capture/whatsapp, /capture/wechat), /health, and the web app "
          + "when it is installed. Runs until stopped (Ctrl-C, SIGTERM).",
      "Settings come from --config FILE (Java properties), then COFFER_* environment variables, then these "
          + "options; see docs/server.md for every setting."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "DIR", description = "Archive data directory (default: data= in the "
      + "config file, then $COFFER_DATA, then ./coffer-data).")
  Path data;

  @Option(names = "--port", paramLabel = "N", description = "Port to listen on (0 = any free port; default 8080, "
      + "8443 with TLS).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default all interfaces).")
  String host;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (Java properties, UTF-8).")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    if (data != null) {
      overrides.put("data", data.toAbsolutePath().normalize().toString());
    }
    if (port != null) {
      overrides.put("port", port.toString());
    }
    if (host != null) {
      overrides.put("host", host);
    }
    ServerConfig cfg = ServerConfig.load(config, System.getenv(), overrides);
    CofferServer server = CofferServer.start(cfg, CofferServer.discoverExtensions());
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("coffer serve: error while stopping: " + e);
      }
    }, "coffer-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    spec.commandLine().getOut().println("Coffer server listening on " + server.uri() + " (data "
        + cfg.dataDir().toAbsolutePath().normalize() + ")");
    spec.commandLine().getOut().flush();
    server.awaitStop();
    return Coffer.OK;
  }
}
