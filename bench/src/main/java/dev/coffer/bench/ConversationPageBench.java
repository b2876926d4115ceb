package dev.coffer.bench;

import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Conversation;
import dev.coffer.model.ConversationKind;
import dev.coffer.model.Ids;
import dev.coffer.model.Message;
import dev.coffer.model.Party;
import dev.coffer.model.Reaction;
import dev.coffer.model.Record;
import dev.coffer.model.Source;
import dev.coffer.search.SearchIndex;
import dev.coffer.web.WebApp;
import dev.coffer.web.WebContext;
import dev.coffer.web.WebSettings;
import dev.coffer.web.auth.Authenticator;
import dev.coffer.web.auth.Passwords;
import dev.coffer.web.auth.Role;
import dev.coffer.web.auth.UserStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server time of the web app's conversation page for one conversation of {@code messages} messages
 * (issue 5's target: first meaningful paint under 200 ms server time, paged): a real archive and
 * search index on disk, the web app on a loopback port, a signed-in supervisor, and the time from
 * sending the request to the last byte of the page, over the latest page, the first page and a page
 * around a message in the middle. Each request includes its audit record (an fsynced append).
 */
final class ConversationPageBench {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  record Result(Stats latest, Stats first, Stats around, Stats all, int pageBytes) {}

  private ConversationPageBench() {}

  /** Runs this figure alone: {@code ConversationPageBench DIR [MESSAGES] [ROUNDS]} (DIR must not exist). */
  public static void main(String[] args) throws Exception {
    Result r = run(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 10_000,
        args.length > 2 ? Integer.parseInt(args[2]) : 30);
    System.out.printf(java.util.Locale.ROOT, "latest %.1f ms, first %.1f ms, around %.1f ms (medians); all: median %.1f,"
        + " p95 %.1f, max %.1f ms; page %d bytes%n", r.latest().median(), r.first().median(), r.around().median(),
        r.all().median(), Stats.quantile(r.all().runs(), 0.95), r.all().max(), r.pageBytes());
  }

  static Result run(Path dir, int messages, int rounds) throws Exception {
    Conversation conv = new Conversation(Ids.derive("bench/conversation", "web"), ConversationKind.GROUP, "Bench desk");
    Party[] people = new Party[12];
    for (int i = 0; i < people.length; i++) {
      people[i] = new Party("+4477009" + String.format("%05d", i), "Trader " + i);
    }
    try (Archive archive = Archives.create(dir, ArchiveOptions.defaults());
        SearchIndex index = SearchIndex.open(dir.resolve("index"), dev.coffer.search.SearchOptions.defaults(), archive.encryption())) {
      archive.addCommitListener(index);
      Instant t = Instant.parse("2026-01-05T08:00:00Z");
      List<Record> batch = new ArrayList<>();
      String middle = null;
      for (int i = 0; i < messages; i++) {
        String id = Ids.derive("bench/message", Integer.toString(i));
        batch.add(Message.builder().id(id).channel("whatsapp").conversation(conv).sender(people[i % people.length])
            .sentAt(t.plusSeconds(37L * i)).text("Message " + i + ": the client asked about the EUR hedge and the rate for Friday")
            .source(new Source("bench", null, null, "item " + i, null)).build());
        if (i % 50 == 7) {
          batch.add(new Reaction(Ids.derive("bench/reaction", Integer.toString(i)), "whatsapp", conv,
              people[(i + 1) % people.length], t.plusSeconds(37L * i + 5), null, id, "👍",
              new Source("bench", null, null, "item r" + i, null)));
        }
        if (i == messages / 2) {
          middle = id;
        }
        if (batch.size() >= 2000) {
          archive.append(batch);
          batch.clear();
        }
      }
      archive.append(batch);
      index.refresh();
      long middleSerial = archive.get(middle).orElseThrow().serial();

      UserStore users = UserStore.open(dir, new Passwords(), Clock.systemUTC());
      // A throwaway user of a throwaway archive: its password is made per run, never written down.
      String password = "bench-" + java.util.UUID.randomUUID();
      char[] otp = users.add("bench", Role.SUPERVISOR);
      users.setPassword("bench", password.toCharArray());
      java.util.Arrays.fill(otp, '\0');
      Javalin server = WebApp.start(new WebContext(dir, archive, index, users, Authenticator.local(users),
          Clock.systemUTC(), WebSettings.defaults()), "127.0.0.1", 0);
      try {
        String base = "http://127.0.0.1:" + server.port();
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();
        String login = get(http, base + "/login").body();
        Matcher m = CSRF.matcher(login);
        if (!m.find()) {
          throw new IOException("no CSRF token on the sign-in page");
        }
        String form = "_csrf=" + enc(m.group(1)) + "&name=bench&password=" + enc(password);
        HttpResponse<String> signed = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (signed.statusCode() != 303) {
          throw new IOException("sign-in failed: HTTP " + signed.statusCode());
        }
        String path = base + "/c/" + conv.id();
        int bytes = 0;
        for (int i = 0; i < 5; i++) { // warm-up: JIT, template classes, caches
          bytes = get(http, path).body().length();
          get(http, path + "?first=1");
          get(http, path + "?at=" + middleSerial);
        }
        List<Double> latest = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        List<Double> around = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
          latest.add(time(http, path));
          first.add(time(http, path + "?first=1"));
          around.add(time(http, path + "?at=" + middleSerial));
        }
        List<Double> all = new ArrayList<>(latest);
        all.addAll(first);
        all.addAll(around);
        return new Result(Stats.of(latest), Stats.of(first), Stats.of(around), Stats.of(all), bytes);
      } finally {
        server.stop();
      }
    }
  }

  private static double time(HttpClient http, String url) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<String> r = get(http, url);
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + ": HTTP " + r.statusCode());
    }
    return ms;
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
