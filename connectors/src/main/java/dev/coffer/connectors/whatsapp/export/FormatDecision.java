package dev.coffer.connectors.whatsapp.export;

/**
 * What pass 1 decided about a file's header format, with the evidence, for the report and the audit.
 *
 * @param template the header shape the file's messages use (other shapes are not headers of this file)
 * @param order how the file's dates are read
 * @param evidence why, in words, e.g. {@code day-first: component 1 reached 31 on line 812}
 * @param operatorChosen true if the operator set the order
 * @param headerLines lines in the chosen shape
 * @param otherShapeLines lines that look like headers of another shape
 */
record FormatDecision(
    String template,
    DateOrder order,
    String evidence,
    boolean operatorChosen,
    long headerLines,
    long otherShapeLines) {}
