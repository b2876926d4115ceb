package dev.coffer.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The capture endpoints' POSTs, answered by a Jetty handler placed ahead of Javalin's servlet: a
 * webhook post needs none of the servlet, session and Javalin layers (they were about a fifth of the
 * capture server's CPU per request, BENCHMARKS.md "Webhook capture (session 6)"), only its body,
 * a header or the query, and a short text answer. Everything else (GET handshakes, {@code /health},
 * the web app, any other method or path) falls through to Javalin unchanged.
 *
 * <p>The handler is blocking (Jetty runs it on the server's virtual threads, as it runs Javalin's
 * servlet): {@link CapturePipeline#handle} reads the body and waits for the group commit.
 */
final class CapturePosts extends Handler.Abstract {
  private final Map<String, Route> routes = new HashMap<>();

  /** What one capture path does with a post. */
  private record Route(CapturePipeline pipeline, CapturePipeline.Interpreter interpreter) {}

  /** Takes POSTs to exactly {@code path} (no trailing slash, any query). Before the server starts. */
  void route(String path, CapturePipeline pipeline, CapturePipeline.Interpreter interpreter) {
    if (routes.putIfAbsent(path, new Route(pipeline, interpreter)) != null) {
      throw new IllegalStateException("two capture endpoints at " + path);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!"POST".equals(request.getMethod())) {
      return false;
    }
    Route route = routes.get(Request.getPathInContext(request));
    if (route == null) {
      return false;
    }
    Post post = new Post(request);
    route.pipeline().handle(post, route.interpreter());
    response.setStatus(post.status);
    if (post.retryAfter != null) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, post.retryAfter);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(post.text.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  /** One post, as the pipeline sees it; its answer is written once the pipeline returns. */
  private static final class Post implements CapturePipeline.Exchange {
    private final Request request;
    private int status = 500;
    private String text = "";
    private String retryAfter;

    Post(Request request) {
      this.request = request;
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public Map<String, String> query() {
      Map<String, String> q = new HashMap<>();
      Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      for (Fields.Field f : fields) {
        if (!f.getValues().isEmpty()) {
          q.put(f.getName(), f.getValue());
        }
      }
      return q;
    }

    @Override
    public String ip() {
      return Request.getRemoteAddr(request);
    }

    @Override
    public long declaredLength() {
      return request.getLength();
    }

    @Override
    public InputStream body() throws IOException {
      return Content.Source.asInputStream(request);
    }

    @Override
    public void answer(int status, String text, String retryAfter) {
      this.status = status;
      this.text = text;
      this.retryAfter = retryAfter;
    }
  }
}
