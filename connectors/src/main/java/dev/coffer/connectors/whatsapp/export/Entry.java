package dev.coffer.connectors.whatsapp.export;

import dev.coffer.model.Call;
import dev.coffer.model.Location;
import dev.coffer.model.Poll;
import dev.coffer.model.SystemEvent;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * One parsed unit of an export, before it becomes a {@code coffer/1} record: what the file says,
 * with its line range, local time and the natural-key parts (author as written, full body text).
 */
sealed interface Entry {
  int firstLine();

  int lastLine();

  /** Local time from the header; null when no readable time. */
  LocalDateTime time();

  /** The header's date and time as written; null when none. */
  String sourceTime();

  /** The author as written (marks removed), null for system lines without one. */
  String author();

  /** The full body as written after the header (continuation lines joined by LF): the natural key. */
  String body();

  /** A media file named in the text, attached (bytes may be in the zip) or omitted. */
  record MediaRef(String name, boolean omitted, String typeHint, String caption) {}

  record MessageEntry(int firstLine, int lastLine, LocalDateTime time, String sourceTime,
      String author, String body, String text, List<MediaRef> media, boolean edited,
      boolean deleted, Location location, boolean contact, String contactName, Poll poll,
      boolean sticker, boolean viewOnce) implements Entry {}

  record SystemEntry(int firstLine, int lastLine, LocalDateTime time, String sourceTime,
      String author, String body, SystemEvent.Event event, String actor, boolean actorIsYou,
      List<String> subjects, boolean subjectIsYou, String text, Map<String, String> detail)
      implements Entry {}

  record CallEntry(int firstLine, int lastLine, LocalDateTime time, String sourceTime,
      String author, String body, Call.Media media, Call.Status status, Long durationS,
      boolean group, String text) implements Entry {}

  record UnparsedEntry(int firstLine, int lastLine, LocalDateTime time, String sourceTime,
      String author, String body, String diagnostic) implements Entry {}
}
