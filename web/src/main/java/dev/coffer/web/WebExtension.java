package dev.coffer.web;

import dev.coffer.server.ServerContext;
import dev.coffer.server.ServerExtension;
import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.UserStore;
import io.javalin.config.JavalinConfig;

/**
 * Mounts the web app on {@code coffer serve} (found through {@link java.util.ServiceLoader}): users
 * from the data directory's user database (sealed with the archive's keys), local password sign-in, secure cookies and HSTS when
 * the server speaks TLS.
 */
public final class WebExtension implements ServerExtension {
  @Override
  public void install(JavalinConfig config, ServerContext context) throws Exception {
    UserStore users = UserStore.open(context.dataDir(), context.archive().encryption(), new Passwords(), context.clock());
    WebSettings settings = WebSettings.defaults().withTls(context.config().tls() != null);
    // The firm's handles for the direction filter: the directory in force, asked on each use (the
    // server re-reads it when an import changes it).
    java.util.function.Supplier<java.util.Set<String>> firm = () -> {
      try {
        java.util.Set<String> out = new java.util.HashSet<>();
        context.directory().employees().forEach(e -> out.addAll(e.handles()));
        return out;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read the directory", e);
      }
    };
    WebApp.install(config, new WebContext(context.dataDir(), context.archive(), context.index(), users,
        Authenticator.local(users), context.clock(), settings, context.health(), firm));
  }
}
