package dev.coffer.server;

import dev.coffer.connectors.wechat.oa.CallbackResult;
import dev.coffer.connectors.wechat.oa.OaMediaRef;
import dev.coffer.connectors.wechat.oa.OfficialAccountCallback;
import dev.coffer.connectors.wechat.oa.OfficialAccountConfig;
import dev.coffer.connectors.wechat.oa.OfficialAccountMedia;
import dev.coffer.connectors.wechat.oa.WeChatSignatureException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST /capture/wechat}: the WeChat Official Account callback. The GET is the URL check
 * made when the server URL is saved in the account's console; each POST is one message or event in
 * plain, compatible or safe mode. Authentication, decryption and mapping are
 * {@link OfficialAccountCallback}'s; this class stores the body (and, in safe mode, the decrypted XML
 * the records name) as blobs, appends the records, and only then answers {@code success}. WeChat
 * retries three times when it has no answer within 5 seconds. Media (image, voice, video,
 * shortvideo) are archived pending and handed to the media queue after the answer's records are
 * durable ({@code OfficialAccountMedia}). The records' ids derive from MsgId, so
 * retries are archived once. The request time limit should stay below 5 s (the default is 10 s for
 * all endpoints; see docs/connect-wechat.md).
 */
final class WeChatEndpoint {
  static final String CONNECTOR = "wechat-oa";
  static final String PATH = "/capture/wechat";
  private static final Logger LOG = LoggerFactory.getLogger(WeChatEndpoint.class);

  private final OfficialAccountCallback callback;
  private final CapturePipeline pipeline;
  private final ServerContext context;
  private final Consumer<List<OaMediaRef>> media;

  WeChatEndpoint(ServerConfig.WeChat config, ServerContext context, CapturePipeline pipeline,
      Consumer<List<OaMediaRef>> media) {
    this.media = media;
    this.callback = new OfficialAccountCallback(new OfficialAccountConfig(config.token().reveal(),
        config.aesKey() == null ? null : config.aesKey().reveal(), config.appId()));
    this.context = context;
    this.pipeline = pipeline;
  }

  void install(JavalinConfig jc, CapturePosts posts) {
    jc.routes.get(PATH, this::verify);
    posts.route(PATH, pipeline, this::interpret);
  }

  private CapturePipeline.Capture interpret(CapturePipeline.Exchange request, byte[] body, String digest,
      java.time.Instant receivedAt) throws CapturePipeline.Refused {
    CallbackResult r;
    try {
      r = callback.handle(request.query(), body, digest, receivedAt);
    } catch (WeChatSignatureException e) {
      int status = switch (e.reason()) {
        case MISSING_PARAMETER, BAD_SIGNATURE -> 401;
        case APPID_MISMATCH, UNDECRYPTABLE -> 403;
      };
      throw new CapturePipeline.Refused(status, true, "wechat " + e.reason());
    }
    List<byte[]> extra = r.plaintextSha256().equals(digest) ? List.of() : List.of(r.plaintext());
    List<OaMediaRef> refs = OfficialAccountMedia.refsOf(r.records());
    // Media are asked for only once the message is durable, so fetching never holds up the answer.
    return new CapturePipeline.Capture(r.records(), extra, refs.isEmpty() ? () -> {} : () -> media.accept(refs),
        r.reply(), r.diagnostics());
  }

  private void verify(Context ctx) {
    context.health().received(CONNECTOR);
    try {
      String echo = callback.verifyUrl(query(ctx));
      ctx.contentType("text/plain; charset=utf-8").result(echo);
    } catch (WeChatSignatureException e) {
      context.health().signatureFailure(CONNECTOR);
      LOG.warn("{}: URL verification from {} refused: {}", CONNECTOR, ctx.ip(), e.reason());
      ctx.status(e.reason() == WeChatSignatureException.Reason.MISSING_PARAMETER
          || e.reason() == WeChatSignatureException.Reason.BAD_SIGNATURE ? 401 : 403).result("refused");
    }
  }

  /** The query's parameters, first value of each (WeChat sends each once). */
  static Map<String, String> query(Context ctx) {
    Map<String, String> q = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> {
      if (!v.isEmpty()) {
        q.put(k, v.get(0));
      }
    });
    return q;
  }
}
