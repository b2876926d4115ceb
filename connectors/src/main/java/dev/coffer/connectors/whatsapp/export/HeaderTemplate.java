package dev.coffer.connectors.whatsapp.export;

/**
 * One header shape found in an export, with the date order decided from its own lines and whether its
 * lines were read as message headers. A file usually has one; exports written after a change of the
 * phone's language or date settings have several.
 *
 * @param template the shape, e.g. {@code dash date/ yy time: 24h}
 * @param dateOrder how this shape's dates are read (the operator's order when one was given)
 * @param evidence why, in words, e.g. {@code day-first: component 1 reached 31 on line 812}
 * @param lines lines that start like a header of this shape
 * @param linesReadAsHeaders of those, lines read as message headers (the others are kept as
 *     {@code unparsed} records)
 * @param used true if this shape's lines are read as headers
 * @param reason why the shape is used or not, e.g. {@code the most frequent shape}
 */
public record HeaderTemplate(
    String template,
    DateOrder dateOrder,
    String evidence,
    long lines,
    long linesReadAsHeaders,
    boolean used,
    String reason) {

  /** One line for an audit record's detail. */
  String describe() {
    return template + " | " + dateOrder + " | " + evidence + " | " + lines + " line(s), "
        + linesReadAsHeaders + " read as headers | " + (used ? "used: " : "not used: ") + reason;
  }
}
