package dev.coffer.server.directory;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: comma-separated, double quotes around cells holding commas, quotes or line breaks. */
final class Csv {
  private Csv() {}

  static List<List<String>> read(String text) throws Directory.RefusedException {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      any = true;
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        any = false;
        line++;
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new Directory.RefusedException("directory refused, nothing imported: a quoted cell is not closed (line "
          + line + ")");
    }
    if (any) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }
}
