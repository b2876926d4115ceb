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
    // The firm's handles for the direction filter: the directory in force when the server starts
    // (the server reads it once; a directory is imported while the server is stopped).
    java.util.Set<String> firm = new java.util.HashSet<>();
    context.directory().employees().forEach(e -> firm.addAll(e.handles()));
    WebApp.install(config, new WebContext(context.dataDir(), context.archive(), context.index(), users,
        Authenticator.local(users), context.clock(), settings, context.health(), firm));
  }
}
