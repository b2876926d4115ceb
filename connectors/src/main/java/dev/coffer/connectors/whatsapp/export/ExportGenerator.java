package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.SystemEvent.Event;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes a realistic synthetic WhatsApp export, deterministic for a seed, streaming (memory does not
 * grow with the number of messages): multi-line texts, emoji, Chinese, phone-number and named
 * authors, media attached and omitted, system events, deleted and edited messages, polls,
 * locations, calls; a direct chat or a group of up to 200 people; Android or iOS layout; localized
 * placeholders for the languages in the phrase tables. As a zip it also holds small real media (a
 * JPEG and a PNG made with ImageIO, a text document, a vCard) that the chat refers to.
 *
 * <p>{@link #expected()} regenerates, from the same seed, what was written, entry by entry, so a
 * test can check that parsing gives the same thing back.
 */
public final class ExportGenerator {

  /** Android or iOS layout. */
  public enum Platform { ANDROID, IOS }

  /**
   * @param messages how many entries (messages, system lines, calls) to write
   * @param seed the seed: the same options give the same bytes
   * @param platform the layout
   * @param locale a phrase-table language: en, de, fr, es, it, pt, nl, ru, zh
   * @param participants 2 for a direct chat, 3..200 for a group
   * @param zip true to write a zip with media, false for a plain chat text
   */
  public record Options(long messages, long seed, Platform platform, String locale,
      int participants, boolean zip) {
    public Options {
      if (messages < 0) {
        throw new IllegalArgumentException("messages must be >= 0, not " + messages);
      }
      if (participants < 2 || participants > 200) {
        throw new IllegalArgumentException("participants must be 2..200, not " + participants);
      }
      java.util.Objects.requireNonNull(platform, "platform");
      boolean known = false;
      for (Language l : Language.ALL) {
        known |= l.code().equals(locale);
      }
      if (!known) {
        throw new IllegalArgumentException("locale must be one of en, de, fr, es, it, pt, nl, ru,"
            + " zh, not '" + locale + "'");
      }
    }

    /** A group of 12 on Android in English, plain text. */
    public static Options of(long messages, long seed) {
      return new Options(messages, seed, Platform.ANDROID, "en", 12, false);
    }
  }

  /**
   * One entry as generated: what parsing the export must give back.
   *
   * @param kind {@code message}, {@code system} or {@code call}
   * @param author the author as shown (marks removed), null for Android system lines
   * @param text the message text (caption for media), the system line's text, or the call's text
   * @param event the system event, for system lines
   * @param attachment the media file name, for attached media
   * @param mediaMissing true if the export says the media was omitted
   */
  public record Generated(int firstLine, int lastLine, LocalDateTime time, String kind,
      String author, String text, Event event, String attachment, boolean mediaMissing,
      boolean deleted, boolean edited) {}

  private static final String LRM = "\u200e";
  private static final String[] FIRST = {"Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace",
      "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa",
      "Sven", "Tariq", "王伟", "李娜", "Ольга", "Zoë 🌸"};
  private static final String[] LAST = {"Silva", "Meyer", "Dubois", "Ivanov", "Rossi", "Khan",
      "Okafor", "Tanaka", "Costa", "Weber", "Yilmaz", "Novak", "García", "Haddad", "Patel"};
  private static final String[] WORDS = {"price", "order", "shipment", "call", "tomorrow", "ok",
      "thanks", "contract", "invoice", "meeting", "the", "client", "wants", "a", "discount",
      "please", "confirm", "today", "报价", "明天", "发货", "确认", "👍", "🙏", "📈", "✅", "😂",
      "Lisboa", "Zürich", "über", "ça", "señor", "ещё", "!", "?"};

  private final Options options;
  private final Language lang;
  private final List<String> people;
  private final String title;

  public ExportGenerator(Options options) {
    this.options = java.util.Objects.requireNonNull(options, "options");
    this.lang = Language.byCode(options.locale());
    SplittableRandom r = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
    this.people = new ArrayList<>();
    for (int i = 0; people.size() < options.participants(); i++) {
      String name;
      if (i % 7 == 3) {
        name = "+44 7700 9" + String.format(Locale.ROOT, "%05d", r.nextInt(100_000));
      } else {
        name = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
      }
      if (!people.contains(name)) {
        people.add(name);
      }
    }
    this.title = options.participants() > 2 ? "Desk " + (options.seed() & 0xFFF) : people.get(1);
  }

  /** The file name WhatsApp would give this export. */
  public String fileName() {
    if (options.platform() == Platform.IOS || options.zip()) {
      return (options.platform() == Platform.IOS ? "WhatsApp Chat - " : "WhatsApp Chat with ")
          + title + (options.zip() ? ".zip" : ".txt");
    }
    return "WhatsApp Chat with " + title + ".txt";
  }

  /** The chat title the importer derives from {@link #fileName()}. */
  public String title() {
    return title;
  }

  /** Writes the export (.zip or .txt as the options say) to {@code out}. */
  public void write(Path out) throws IOException {
    try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
      if (options.zip()) {
        writeZip(o);
      } else {
        writeText(o);
      }
    }
  }

  /** Writes the chat text, streaming. Does not close {@code out}. */
  public void writeText(OutputStream out) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(
        new java.io.FilterOutputStream(out) {
          @Override
          public void close() throws IOException {
            flush();
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }
        }, StandardCharsets.UTF_8), 1 << 16);
    Items items = new Items();
    while (items.hasNext()) {
      Item it = items.next();
      w.write(it.text);
      w.write('\n');
    }
    w.flush();
  }

  /** Writes a zip: the chat text, then the media it names. Does not close {@code out}. */
  public void writeZip(OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
    zip.putNextEntry(new ZipEntry(options.platform() == Platform.IOS ? "_chat.txt"
        : "WhatsApp Chat with " + title + ".txt"));
    writeText(zip);
    zip.closeEntry();
    byte[] jpeg = image("jpg", new Color(200, 80, 40));
    byte[] png = image("png", new Color(40, 120, 200));
    Items items = new Items();
    java.util.Set<String> written = new java.util.HashSet<>();
    while (items.hasNext()) {
      Item it = items.next();
      String name = it.generated.attachment();
      if (name == null || it.generated.mediaMissing() || !written.add(name)) {
        continue;
      }
      zip.putNextEntry(new ZipEntry(name));
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".jpg")) {
        zip.write(jpeg);
      } else if (lower.endsWith(".png")) {
        zip.write(png);
      } else if (lower.endsWith(".vcf")) {
        zip.write(("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Lee\r\nTEL;TYPE=CELL:+44 7700 900777\r\n"
            + "END:VCARD\r\n").getBytes(StandardCharsets.UTF_8));
      } else {
        zip.write(("Meeting notes " + name + "\nAction items: confirm prices, ship Friday.\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      zip.closeEntry();
      if (written.size() > 10_000) {
        written.clear(); // names are unique by counter; the set only avoids repeats nearby
      }
    }
    zip.finish();
  }

  private static byte[] image(String format, Color color) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) {
        img.setRGB(x, y, (x + y) % 2 == 0 ? color.getRGB() : Color.WHITE.getRGB());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** What was (or will be) written, regenerated from the seed, in file order. */
  public Iterator<Generated> expected() {
    Items items = new Items();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return items.hasNext();
      }

      @Override
      public Generated next() {
        return items.next().generated;
      }
    };
  }

  private record Item(String text, Generated generated) {}

  /** The deterministic sequence of entries. */
  private final class Items implements Iterator<Item> {
    private final SplittableRandom r = new SplittableRandom(options.seed());
    private long produced;
    private int line = 1;
    private int media;
    private LocalDateTime time = LocalDateTime.of(2023, 1, 20, 8, 0, 0);

    @Override
    public boolean hasNext() {
      return produced < options.messages();
    }

    @Override
    public Item next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      produced++;
      time = time.plusSeconds(r.nextInt(1, 900));
      if (options.platform() == Platform.ANDROID) {
        time = time.withSecond(0);
      }
      boolean group = options.participants() > 2;
      Item item;
      if (produced == 1) {
        item = system(Event.ENCRYPTION_NOTICE);
      } else if (produced == 2 && group) {
        item = system(Event.GROUP_CREATED);
      } else {
        int roll = r.nextInt(100);
        if (roll < 4 && group) {
          Event[] events = {Event.MEMBER_ADDED, Event.MEMBER_LEFT, Event.SUBJECT_CHANGED,
              Event.ICON_CHANGED, Event.MEMBER_REMOVED};
          item = system(events[r.nextInt(events.length)]);
        } else if (roll < 12) {
          item = attached();
        } else if (roll < 17) {
          item = omitted();
        } else if (roll < 20) {
          item = simple(lang.deleted().get(0), true, false);
        } else if (roll < 24) {
          item = edited();
        } else if (roll < 26) {
          item = poll();
        } else if (roll < 28) {
          item = location();
        } else if (roll < 30) {
          item = call();
        } else {
          item = text();
        }
      }
      line = item.generated.lastLine() + 1;
      return item;
    }

    private String author() {
      return people.get(r.nextInt(people.size()));
    }

    private String header() {
      if (options.platform() == Platform.ANDROID) {
        boolean dmy = !lang.code().equals("en");
        String date = dmy ? DateTimeFormatter.ofPattern("dd.MM.yy", Locale.ROOT).format(time)
            : DateTimeFormatter.ofPattern("d/M/yy", Locale.ROOT).format(time);
        return date + ", " + DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).format(time)
            + " - ";
      }
      if (lang.code().equals("en")) {
        int h = time.getHour() % 12 == 0 ? 12 : time.getHour() % 12;
        return "[" + time.getMonthValue() + "/" + time.getDayOfMonth() + "/"
            + String.format(Locale.ROOT, "%02d", time.getYear() % 100) + ", " + h + ":"
            + String.format(Locale.ROOT, "%02d:%02d", time.getMinute(), time.getSecond())
            + "\u202f" + (time.getHour() < 12 ? "AM" : "PM") + "] ";
      }
      return "[" + DateTimeFormatter.ofPattern("dd.MM.yy, HH:mm:ss", Locale.ROOT).format(time)
          + "] ";
    }

    /** How an author appears in the file: iOS wraps phone numbers in LRE/PDF with NBSPs. */
    private String written(String author) {
      if (options.platform() == Platform.IOS && author.startsWith("+")) {
        return "\u202a" + author.replace(' ', '\u00a0') + "\u202c";
      }
      return author;
    }

    private String shown(String author) {
      return options.platform() == Platform.IOS && author.startsWith("+")
          ? author.replace(' ', '\u00a0') : author;
    }

    private Item make(String author, List<String> bodyLines, String kind, String text, Event event,
        String attachment, boolean missing, boolean deleted, boolean edited, boolean marked) {
      StringBuilder sb = new StringBuilder();
      boolean ios = options.platform() == Platform.IOS;
      if (ios && marked) {
        sb.append(LRM);
      }
      sb.append(header());
      if (author != null) {
        sb.append(written(author)).append(": ");
      }
      if (ios && marked) {
        sb.append(LRM);
      }
      sb.append(String.join("\n", bodyLines));
      int last = line + bodyLines.size() - 1;
      return new Item(sb.toString(), new Generated(line, last, time, kind,
          author == null ? null : shown(author), text, event, attachment, missing, deleted,
          edited));
    }

    private Item system(Event event) {
      Template t = null;
      for (Template c : lang.system()) {
        if (c.event() == event && !c.actorIsYou() && !c.subjectIsYou()) {
          t = c;
          break;
        }
      }
      String actor = author().replace("+", "");
      String subject = author().replace("+", "");
      String text = instantiate(t.source(), actor, subject);
      boolean ios = options.platform() == Platform.IOS;
      return make(ios ? title : null, List.of(text), "system", text, event, null, false, false,
          false, true);
    }

    private String instantiate(String notation, String actor, String subject) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < notation.length()) {
        char c = notation.charAt(i);
        if (c == '{') {
          int end = notation.indexOf('}', i);
          String token = notation.substring(i + 1, end);
          out.append(switch (token) {
            case "actor" -> actor;
            case "subject", "subjects" -> subject;
            case "from" -> "Old plans";
            case "to" -> title;
            case "any" -> "";
            default -> token.startsWith("=") ? token.substring(1).split("\\|")[0] : "";
          });
          i = end + 1;
        } else {
          out.append(c);
          i++;
        }
      }
      return out.toString().strip();
    }

    private Item text() {
      String author = author();
      List<String> lines = new ArrayList<>();
      int n = r.nextInt(100) < 10 ? 2 + r.nextInt(3) : 1;
      for (int i = 0; i < n; i++) {
        lines.add(i > 0 && r.nextInt(4) == 0 ? "" : sentence());
      }
      return make(author, lines, "message", String.join("\n", lines), null, null, false, false,
          false, false);
    }

    private String sentence() {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(12);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(WORDS[r.nextInt(WORDS.length)]);
      }
      return sb.toString();
    }

    private Item simple(String body, boolean deleted, boolean edited) {
      String author = author();
      return make(author, List.of(body), "message", body, null, null, false, deleted, edited,
          true);
    }

    private Item edited() {
      String author = author();
      String text = sentence();
      String marker = lang.edited().get(0);
      String body = text + " " + (options.platform() == Platform.IOS ? LRM : "") + marker;
      return make(author, List.of(body), "message", text, null, null, false, false, true, false);
    }

    private Item attached() {
      String author = author();
      media++;
      String stamp = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).format(time);
      int kind = r.nextInt(4);
      String ext = switch (kind) {
        case 0 -> "jpg";
        case 1 -> "png";
        case 2 -> "txt";
        default -> "vcf";
      };
      String name;
      if (options.platform() == Platform.ANDROID) {
        String prefix = switch (kind) {
          case 0, 1 -> "IMG-" + stamp + "-WA" + String.format(Locale.ROOT, "%04d", media % 10000);
          case 2 -> "DOC-" + stamp + "-WA" + String.format(Locale.ROOT, "%04d", media % 10000);
          default -> "Sam Lee " + media;
        };
        name = prefix + "." + ext;
      } else {
        String type = kind <= 1 ? "PHOTO" : kind == 2 ? "notes" : "Sam Lee";
        name = String.format(Locale.ROOT, "%08d", media) + "-" + type
            + (kind <= 1 ? DateTimeFormatter.ofPattern("-yyyy-MM-dd-HH-mm-ss", Locale.ROOT)
                .format(time) : "") + "." + ext;
      }
      String caption = kind <= 1 && r.nextInt(3) == 0 ? sentence() : null;
      List<String> lines = new ArrayList<>();
      if (options.platform() == Platform.ANDROID) {
        lines.add(name + " (" + lang.fileAttached().get(0) + ")");
      } else {
        lines.add("<" + lang.attached().get(0) + ": " + name + ">");
      }
      if (caption != null) {
        lines.add(caption);
      }
      return make(author, lines, "message", caption, null, name, false, false, false,
          options.platform() == Platform.IOS);
    }

    private Item omitted() {
      String author = author();
      String body = options.platform() == Platform.ANDROID ? lang.mediaOmitted().get(0)
          : lang.imageOmitted().get(0);
      return make(author, List.of(body), "message", null, null, null, true, false, false, true);
    }

    private Item poll() {
      String author = author();
      List<String> lines = new ArrayList<>();
      lines.add(lang.poll().get(0));
      lines.add(sentence() + "?");
      int n = 2 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        int votes = r.nextInt(5);
        String word = lang.votes().get(lang.votes().size() > 1 && votes != 1 ? 1 : 0);
        lines.add(lang.option().get(0) + " " + WORDS[r.nextInt(10)] + i + " (" + votes + " "
            + word + ")");
      }
      return make(author, lines, "message", null, null, null, false, false, false, false);
    }

    private Item location() {
      String author = author();
      String lat = (r.nextInt(2) == 0 ? "-" : "") + r.nextInt(80) + "." + r.nextInt(1000, 99999);
      String lng = (r.nextInt(2) == 0 ? "-" : "") + r.nextInt(170) + "." + r.nextInt(1000, 99999);
      String body = lang.location().get(0) + " https://maps.google.com/?q=" + lat + "," + lng;
      return make(author, List.of(body), "message", null, null, null, false, false, false,
          options.platform() == Platform.IOS);
    }

    private Item call() {
      String author = author();
      String body = r.nextInt(2) == 0 ? lang.missedVoice().get(0) : lang.missedVideo().get(0);
      return make(author, List.of(body), "call", body, null, null, false, false, false, true);
    }
  }
}
