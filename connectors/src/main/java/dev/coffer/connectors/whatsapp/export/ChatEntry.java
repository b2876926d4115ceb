package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.SystemEvent;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One entry of a WhatsApp export as {@link WhatsAppExportParser} reads it: what the file says,
 * before it becomes a {@code coffer/1} record. The importer maps each such entry to exactly one
 * record (same line range, source time, author and text), so this is the parse step alone.
 *
 * @param kind what the entry is
 * @param firstLine the 1-based line of its header (or of its first line when it has none)
 * @param lastLine its last line; continuation lines of a multi-line message are included
 * @param time the header's local date and time (no zone: exports carry none); null when the entry
 *     has no readable time
 * @param sourceTime the header's date and time as written; null when there is no header
 * @param author the author as written (format marks removed); null for system lines without one and
 *     for unparsed entries
 * @param text the full text: a message's text (continuation lines joined by LF, attachment lines
 *     excluded), a system line's or call's text, or an unparsed entry's lines as written
 * @param attachments media files the entry names, attached or omitted, in order
 * @param event the system event for {@link Kind#SYSTEM}, else null
 * @param diagnostic why the entry is {@link Kind#UNPARSED}, else null
 */
public record ChatEntry(
    Kind kind,
    int firstLine,
    int lastLine,
    LocalDateTime time,
    String sourceTime,
    String author,
    String text,
    List<MediaFile> attachments,
    SystemEvent.Event event,
    String diagnostic) {

  /** The kinds of entry; each becomes the record of the same name. */
  public enum Kind {
    /** A message (text, media, location, contact, poll, sticker), possibly edited or deleted. */
    MESSAGE,
    /** A system line: group created, member added, encryption notice, … */
    SYSTEM,
    /** A voice or video call line. */
    CALL,
    /** Lines that could not be read (diagnostic says why); the text is kept as written. */
    UNPARSED
  }

  /**
   * A media file an entry names.
   *
   * @param name the file name as written (or the placeholder's type when omitted without a name)
   * @param omitted true when the export says the media was not included
   * @param caption the caption written with it, or null
   */
  public record MediaFile(String name, boolean omitted, String caption) {}

  public ChatEntry {
    attachments = List.copyOf(attachments);
  }

  /** The public view of an internal entry. */
  static ChatEntry of(Entry e) {
    return switch (e) {
      case Entry.MessageEntry m -> new ChatEntry(Kind.MESSAGE, m.firstLine(), m.lastLine(), m.time(),
          m.sourceTime(), m.author(), m.text(), media(m.media()), null, null);
      case Entry.SystemEntry s -> new ChatEntry(Kind.SYSTEM, s.firstLine(), s.lastLine(), s.time(),
          s.sourceTime(), s.author() == null ? null : BodyClassifier.cleanAuthor(s.author()), s.text(),
          List.of(), s.event(), null);
      case Entry.CallEntry c -> new ChatEntry(Kind.CALL, c.firstLine(), c.lastLine(), c.time(),
          c.sourceTime(), c.author(), c.text(), List.of(), null, null);
      case Entry.UnparsedEntry u -> new ChatEntry(Kind.UNPARSED, u.firstLine(), u.lastLine(),
          u.time(), u.sourceTime(), null, u.body(), List.of(), null, u.diagnostic());
    };
  }

  private static List<MediaFile> media(List<Entry.MediaRef> refs) {
    if (refs.isEmpty()) {
      return List.of();
    }
    MediaFile[] out = new MediaFile[refs.size()];
    for (int i = 0; i < out.length; i++) {
      Entry.MediaRef r = refs.get(i);
      out[i] = new MediaFile(r.name(), r.omitted(), r.caption());
    }
    return List.of(out);
  }
}
