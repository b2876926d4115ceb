package dev.coffer.connectors.whatsapp.export;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What pass 1 decided about a file's header formats, with the evidence, for the report and the audit.
 * The first four fields describe the primary shape (the most frequent one); {@link #templates} lists
 * every shape seen, each with its own date order.
 *
 * @param template the most frequent header shape (null if the file has no header at all)
 * @param order how the primary shape's dates are read
 * @param evidence why, in words, e.g. {@code day-first: component 1 reached 31 on line 812}
 * @param operatorChosen true if the operator set the order
 * @param headerLines lines read as headers, over all used shapes
 * @param otherShapeLines lines that look like headers but are not read as headers (kept as unparsed)
 * @param templates every shape seen, primary first, then in order of first appearance
 */
record FormatDecision(
    String template,
    DateOrder order,
    String evidence,
    boolean operatorChosen,
    long headerLines,
    long otherShapeLines,
    List<HeaderTemplate> templates) {

  FormatDecision {
    templates = List.copyOf(templates);
  }

  /**
   * This decision with the counts pass 2 actually read as headers per shape (pass 2 also refuses a
   * secondary shape's line whose time goes back; such lines are named in the reason).
   */
  FormatDecision withReadCounts(Map<String, Long> read) {
    List<HeaderTemplate> out = new java.util.ArrayList<>();
    long all = 0;
    for (HeaderTemplate t : templates) {
      long n = read.getOrDefault(t.template(), 0L);
      all += n;
      long refused = t.linesReadAsHeaders() - n;
      out.add(new HeaderTemplate(t.template(), t.dateOrder(), t.evidence(), t.lines(), n, t.used(),
          refused > 0 ? t.reason() + "; " + refused + " line(s) earlier than the header before them"
              + " kept as unparsed" : t.reason()));
    }
    return new FormatDecision(template, order, evidence, operatorChosen, all,
        headerLines + otherShapeLines - all, out);
  }

  /** The used shapes' date orders by template; a shape absent here is not read as headers. */
  Map<String, DateOrder> usedOrders() {
    Map<String, DateOrder> out = new HashMap<>();
    for (HeaderTemplate t : templates) {
      if (t.used()) {
        out.put(t.template(), t.dateOrder());
      }
    }
    return out;
  }
}
