package dev.coffer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run, printed as a table and written as JSON. */
final class Report {
  final Map<String, Object> machine;
  final Map<String, Object> settings = new LinkedHashMap<>();
  final List<Figure> figures = new ArrayList<>();
  final Map<String, Object> extra = new LinkedHashMap<>();

  Report(Map<String, Object> machine) {
    this.machine = machine;
  }

  void add(Figure f) {
    figures.add(f);
  }

  void printTable(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "%-44s %14s %12s  %-34s %s%n", "figure", "ours (median)", "min..max", "peers (median; ratio ours/peer)", "target");
    for (Figure f : figures) {
      StringBuilder peers = new StringBuilder();
      for (Figure.Peer p : f.peers()) {
        if (!peers.isEmpty()) {
          peers.append("; ");
        }
        peers.append(p.name()).append(' ').append(num(p.value().median())).append(" (")
            .append(String.format(Locale.ROOT, "%.2fx", p.ratio())).append(')');
      }
      String target = f.target() == null ? "-" : f.target() + (f.met() == null ? "" : f.met() ? "  MET" : "  MISSED");
      out.printf(Locale.ROOT, "%-44s %14s %12s  %-34s %s%n", f.title() + " [" + f.unit() + "]",
          num(f.ours().median()), num(f.ours().min()) + ".." + num(f.ours().max()), peers, target);
    }
    out.println();
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("machine", machine);
    root.put("settings", settings);
    root.put("figures", figures);
    root.put("extra", extra);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
  }
}
