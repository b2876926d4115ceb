package dev.coffer.web;

import java.util.Locale;
import java.util.Set;

/**
 * How an attachment is served: with its own content type, but shown in the page only when the type
 * is passive (pictures, sound, video); anything a browser could execute or render as a document
 * (HTML, SVG, JavaScript, PDF, XML…) is sent as a download, and nothing is sniffed.
 */
final class Attachments {
  private static final Set<String> INLINE = Set.of("image/jpeg", "image/png", "image/gif", "image/webp",
      "audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/x-wav", "audio/webm", "audio/amr",
      "video/mp4", "video/webm", "video/ogg", "video/quicktime");

  private Attachments() {}

  /** The media type to send: the recorded one when it is well-formed, else a generic binary type. */
  static String contentType(String mediaType) {
    if (mediaType == null) {
      return "application/octet-stream";
    }
    String t = mediaType.strip().toLowerCase(Locale.ROOT);
    int semi = t.indexOf(';');
    String base = semi < 0 ? t : t.substring(0, semi).strip();
    return base.matches("[a-z0-9.+-]+/[a-z0-9.+-]+") ? base : "application/octet-stream";
  }

  /** True when the browser may show it in the page; false means download only. */
  static boolean inline(String mediaType) {
    return INLINE.contains(contentType(mediaType));
  }

  /** image, audio, video or file: how a bubble shows it. */
  static String displayKind(String mediaType) {
    String t = contentType(mediaType);
    if (!INLINE.contains(t)) {
      return "file";
    }
    return t.substring(0, t.indexOf('/'));
  }

  /** A file name safe for a Content-Disposition header (ASCII fallback plus RFC 5987 UTF-8). */
  static String disposition(String type, String name) {
    String n = name == null || name.isBlank() ? "attachment" : name.replaceAll("[\\r\\n\"\\\\/]", "_");
    String ascii = n.replaceAll("[^\\x20-\\x7e]", "_");
    return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''"
        + java.net.URLEncoder.encode(n, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
