package dev.coffer.connectors.whatsapp.export;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat title from an export's file name: {@code WhatsApp Chat with X.txt} (Android, and its
 * translations), {@code WhatsApp Chat - X.zip} (iOS). A browser's " (1)" copy suffix is dropped, so a
 * second download of the same chat gets the same title and the same conversation.
 */
final class ChatTitles {
  private static final List<Pattern> PREFIXES = List.of(
      Pattern.compile("^WhatsApp Chat with (.+)$"),
      Pattern.compile("^WhatsApp Chat - (.+)$"),
      Pattern.compile("^WhatsApp-Chat mit (.+)$"),
      Pattern.compile("^Discussion WhatsApp avec (.+)$"),
      Pattern.compile("^Chat de WhatsApp con (.+)$"),
      Pattern.compile("^Chat WhatsApp con (.+)$"),
      Pattern.compile("^Conversa do WhatsApp com (.+)$"),
      Pattern.compile("^WhatsApp-chat met (.+)$"),
      Pattern.compile("^Чат WhatsApp с (?:контактом )?(.+)$"),
      Pattern.compile("^Chat WhatsApp s uživatelem (.+)$"),
      Pattern.compile("^与(.+)的 WhatsApp 聊天$"));
  private static final Pattern COPY_SUFFIX = Pattern.compile("^(.*?)(?: ?\\(\\d{1,3}\\))+$");

  private ChatTitles() {}

  static String fromFileName(String fileName) {
    String base = fileName;
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    Matcher copy = COPY_SUFFIX.matcher(base);
    if (copy.matches() && !copy.group(1).isBlank()) {
      base = copy.group(1);
    }
    for (Pattern p : PREFIXES) {
      Matcher m = p.matcher(base);
      if (m.matches()) {
        return m.group(1).strip();
      }
    }
    return base.strip();
  }
}
