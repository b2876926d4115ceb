package dev.coffer.connectors.whatsapp.export;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A WhatsApp export zip, checked before anything is archived: every entry name is safe (no absolute
 * path, no {@code ..} segment), and every entry is expanded once while counting the bytes actually
 * produced (headers are not trusted) against the total-size and ratio limits. Nothing is ever
 * extracted to disk: entries are streamed straight into the archive.
 */
final class ZipInput implements AutoCloseable {
  private final ZipFile zip;
  private final ZipEntry chat;
  private final Map<String, ZipEntry> byName = new HashMap<>();
  private final long expandedTotal;

  private ZipInput(ZipFile zip, ZipEntry chat, long expandedTotal) {
    this.zip = zip;
    this.chat = chat;
    this.expandedTotal = expandedTotal;
  }

  /** True if the file starts like a zip (local header or empty-archive signature). */
  static boolean looksLikeZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K'
          && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
    }
  }

  static ZipInput open(Path file, ImportLimits limits) throws ExportRefusedException, IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new ExportRefusedException(ExitStatus.NO_CHAT_TEXT,
          "the zip cannot be read: " + e.getMessage());
    }
    try {
      long onDisk = Math.max(1, Files.size(file));
      long cap = Math.min(limits.maxZipTotalBytes(),
          Math.max(onDisk, 1L << 20) * (long) limits.maxZipRatio());
      List<ZipEntry> texts = new ArrayList<>();
      long total = 0;
      int count = 0;
      Enumeration<? extends ZipEntry> all = zip.entries();
      Map<String, ZipEntry> names = new HashMap<>();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (++count > limits.maxZipEntries()) {
          throw new ExportRefusedException(ExitStatus.ZIP_BOMB, "the zip has more than "
              + limits.maxZipEntries() + " entries");
        }
        String name = e.getName();
        if (!safe(name)) {
          throw new ExportRefusedException(ExitStatus.UNSAFE_ZIP_PATH,
              "the zip holds an entry with an unsafe path (absolute or with '..'): " + printable(name)
                  + "; nothing was imported");
        }
        if (e.isDirectory()) {
          continue;
        }
        try (InputStream in = zip.getInputStream(e)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > cap) {
              throw new ExportRefusedException(ExitStatus.ZIP_BOMB, "the zip expands beyond "
                  + cap + " bytes (" + limits.maxZipRatio() + " times its size of " + onDisk
                  + " bytes, at most " + limits.maxZipTotalBytes() + "); nothing was imported");
            }
          }
        } catch (ZipException ze) {
          throw new ExportRefusedException(ExitStatus.NO_CHAT_TEXT,
              "the zip entry " + printable(name) + " cannot be read: " + ze.getMessage());
        }
        String base = baseName(name);
        names.putIfAbsent(base, e);
        if (base.toLowerCase(Locale.ROOT).endsWith(".txt")) {
          texts.add(e);
        }
      }
      ZipEntry chat = pickChat(texts);
      if (chat == null) {
        throw new ExportRefusedException(ExitStatus.NO_CHAT_TEXT, texts.isEmpty()
            ? "the zip holds no chat text (_chat.txt or a .txt file)"
            : "the zip holds several .txt files and none is _chat.txt or 'WhatsApp Chat…'");
      }
      ZipInput in = new ZipInput(zip, chat, total);
      in.byName.putAll(names);
      return in;
    } catch (ExportRefusedException | IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static ZipEntry pickChat(List<ZipEntry> texts) {
    for (ZipEntry e : texts) {
      if (baseName(e.getName()).equals("_chat.txt")) {
        return e;
      }
    }
    ZipEntry named = null;
    for (ZipEntry e : texts) {
      if (baseName(e.getName()).startsWith("WhatsApp Chat")) {
        if (named != null) {
          return null;
        }
        named = e;
      }
    }
    if (named != null) {
      return named;
    }
    return texts.size() == 1 ? texts.get(0) : null;
  }

  static boolean safe(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\")
        || (name.length() > 1 && name.charAt(1) == ':') || name.indexOf('\0') >= 0) {
      return false;
    }
    for (String seg : name.split("[/\\\\]")) {
      if (seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String printable(String name) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < name.length() && i < 200; i++) {
      char c = name.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.append('\'').toString();
  }

  static String baseName(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return slash < 0 ? name : name.substring(slash + 1);
  }

  String chatName() {
    return chat.getName();
  }

  long expandedTotal() {
    return expandedTotal;
  }

  InputStream openChat() throws IOException {
    return zip.getInputStream(chat);
  }

  /** The entry for a file name the chat mentions, or null. */
  InputStream openMedia(String name) throws IOException {
    ZipEntry e = byName.get(baseName(name));
    if (e == null || e == chat) {
      return null;
    }
    return new FilterInputStream(zip.getInputStream(e)) { };
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
