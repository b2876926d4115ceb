package dev.coffer.server;

import io.javalin.config.JavalinConfig;

/**
 * Something that plugs into the Coffer server: the reviewer web app, a REST API. An extension adds
 * routes, before/after handlers and plugins to the server's Javalin configuration, and reaches the
 * archive, the search index and the rest through the {@link ServerContext}.
 *
 * <p>{@link CofferServer#start} calls {@link #install} once per start, after the capture endpoints and
 * {@code /health} are registered and before the server listens. {@code coffer serve} finds extensions
 * with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.coffer.server.ServerExtension}), so a module on the CLI's class path
 * plugs in without the server depending on it. An extension that throws stops the start.
 *
 * <p>Example (a compiled test shows it works, see {@code CofferServerTest}):
 * <pre>{@code
 * public final class HelloExtension implements ServerExtension {
 *   public void install(JavalinConfig config, ServerContext context) {
 *     config.routes.get("/hello", ctx -> ctx.result("records: " + context.archive().size()));
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ServerExtension {

  /** Adds this extension's routes and handlers. */
  void install(JavalinConfig config, ServerContext context) throws Exception;

  /** Called once when the server stops, before the archive closes (release what install opened). */
  default void close() throws Exception {}
}
