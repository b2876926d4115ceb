package dev.coffer.connectors.whatsapp.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: runs both passes over bytes and returns the entries. */
final class Parsing {
  private Parsing() {}

  record Result(ExportParser.Scan scan, List<Entry> entries, long lines) {}

  static Result parse(byte[] bytes, DateOrder override) {
    try {
      ExportParser.Scan scan = ExportParser.scan(new ByteArrayInputStream(bytes), override,
          ExportParser.Limits.DEFAULT);
      List<Entry> entries = new ArrayList<>();
      long lines = new ExportParser(scan.decision(), ExportParser.Limits.DEFAULT)
          .parse(new ByteArrayInputStream(bytes), entries::add);
      return new Result(scan, entries, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8), null);
  }
}
