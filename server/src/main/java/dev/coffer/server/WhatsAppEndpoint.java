package dev.coffer.server;

import dev.coffer.connectors.whatsapp.cloud.CloudApiSignature;
import dev.coffer.connectors.whatsapp.cloud.CloudApiWebhook;
import dev.coffer.connectors.whatsapp.cloud.HistoryChunk;
import dev.coffer.connectors.whatsapp.cloud.MediaRef;
import dev.coffer.connectors.whatsapp.cloud.WebhookParse;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST /capture/whatsapp}: the WhatsApp Business Cloud API webhook.
 *
 * <p>GET is Meta's subscription handshake: {@code hub.mode=subscribe} and the configured
 * {@code hub.verify_token} (compared in constant time) are answered with {@code hub.challenge};
 * anything else gets 403. POST carries notifications: {@code X-Hub-Signature-256} is checked over the
 * raw body with the app secret ({@link CloudApiSignature}, constant time) before anything is kept;
 * a bad or missing signature gets 401, is counted and logged without content. A signed body is stored
 * as a blob, {@link CloudApiWebhook#parse} turns it into records (unreadable parts become
 * {@code unparsed} records, so a malformed body is still archived and acknowledged: Meta would retry
 * it forever otherwise), the records are appended in one call, and only then does Meta get 200.
 * Media the body announced are handed to the media queue after that, so fetching never holds up the
 * acknowledgement.
 */
final class WhatsAppEndpoint {
  static final String CONNECTOR = CloudApiWebhook.CONNECTOR;
  static final String PATH = "/capture/whatsapp";
  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppEndpoint.class);
  /** Meta's challenges are short numbers; a longer one is not echoed (no reflection of arbitrary text). */
  private static final int MAX_CHALLENGE = 256;

  private final ServerConfig.WhatsApp config;
  private final byte[] appSecret;
  private final ServerContext context;
  private final CapturePipeline pipeline;
  private final Consumer<List<MediaRef>> media;

  WhatsAppEndpoint(ServerConfig.WhatsApp config, ServerContext context, CapturePipeline pipeline,
      Consumer<List<MediaRef>> media) {
    this.config = config;
    this.appSecret = config.appSecret().bytes();
    this.context = context;
    this.pipeline = pipeline;
    this.media = media;
  }

  void install(JavalinConfig jc, CapturePosts posts) {
    jc.routes.get(PATH, this::verify);
    posts.route(PATH, pipeline, this::interpret);
  }

  private CapturePipeline.Capture interpret(CapturePipeline.Exchange request, byte[] body, String digest,
      java.time.Instant receivedAt) throws CapturePipeline.Refused {
    String signature = request.header("X-Hub-Signature-256");
    if (signature == null) {
      throw new CapturePipeline.Refused(401, true, "no X-Hub-Signature-256 header");
    }
    if (!CloudApiSignature.verify(body, signature, appSecret)) {
      throw new CapturePipeline.Refused(401, true, "X-Hub-Signature-256 does not match the body");
    }
    WebhookParse parse = CloudApiWebhook.parse(body, digest, receivedAt);
    return new CapturePipeline.Capture(parse.records(), List.of(), () -> afterDurable(parse), "EVENT_RECEIVED",
        parse.diagnostics());
  }

  private void afterDurable(WebhookParse parse) {
    if (!parse.media().isEmpty()) {
      media.accept(parse.media());
    }
    for (HistoryChunk h : parse.history()) {
      context.health().detail(CONNECTOR, "history " + h.businessPhoneNumberId(),
          h.error() != null ? "declined or failed: " + h.error()
              : "phase " + h.phase() + " chunk " + h.chunkOrder() + " progress " + h.progress() + "%");
    }
    if (!parse.contacts().isEmpty()) {
      parse.contacts().forEach(context.directories().contacts()::apply);
      context.health().count(CONNECTOR, "contact_sync", parse.contacts().size());
    }
  }

  private void verify(Context ctx) {
    context.health().received(CONNECTOR);
    String mode = ctx.queryParam("hub.mode");
    String token = ctx.queryParam("hub.verify_token");
    String challenge = ctx.queryParam("hub.challenge");
    if ("subscribe".equals(mode) && config.verifyToken().matches(token) && challenge != null
        && challenge.length() <= MAX_CHALLENGE) {
      LOG.info("{}: webhook subscription verified from {}", CONNECTOR, ctx.ip());
      ctx.contentType("text/plain; charset=utf-8").result(challenge);
      return;
    }
    context.health().signatureFailure(CONNECTOR);
    LOG.warn("{}: webhook verification from {} refused (mode {}, token {})", CONNECTOR, ctx.ip(),
        mode == null ? "missing" : "subscribe".equals(mode) ? "subscribe" : "other",
        token == null ? "missing" : "wrong");
    ctx.status(403).result("forbidden");
  }
}
