package dev.coffer.connectors.whatsapp.export;

import java.util.List;
import java.util.Map;

/**
 * What an import did. {@code linesCovered == linesTotal} always holds for a completed import: every
 * line of the chat text is in some record (zero lost lines).
 *
 * @param fileName the input's file name
 * @param fileSha256 digest of the input as archived (the .txt, or the whole .zip)
 * @param chatTextSha256 digest of the chat text every record points to (same as fileSha256 for .txt)
 * @param conversationId the conversation's id
 * @param conversationTitle its title
 * @param conversationKind {@code direct} or {@code group}
 * @param recordsAppended new records (the audit record included)
 * @param duplicates records already archived (a re-import or an overlapping export)
 * @param unparsed unparsed records among all produced
 * @param recordsByKind records produced by JSON kind (duplicates included)
 * @param linesTotal lines in the chat text
 * @param linesCovered lines that some record covers
 * @param attachmentsStored attachments whose bytes were archived
 * @param attachmentsMissing attachments named without bytes (omitted, or not in the zip)
 * @param headerFormat the most frequent header shape (the primary)
 * @param dateOrder the date order used for the primary shape
 * @param dateOrderEvidence why
 * @param headerTemplates every header shape seen, primary first, each with its own date order,
 *     evidence and line counts, and whether its lines were read as headers
 * @param zone the zone used to turn local times into UTC
 * @param auditId the id of the audit record of this import
 * @param warnings things an operator should look at
 * @param status how it ended
 */
public record ExportImportReport(
    String fileName,
    String fileSha256,
    String chatTextSha256,
    String conversationId,
    String conversationTitle,
    String conversationKind,
    long recordsAppended,
    long duplicates,
    long unparsed,
    Map<String, Long> recordsByKind,
    long linesTotal,
    long linesCovered,
    long attachmentsStored,
    long attachmentsMissing,
    String headerFormat,
    DateOrder dateOrder,
    String dateOrderEvidence,
    List<HeaderTemplate> headerTemplates,
    String zone,
    String auditId,
    List<String> warnings,
    ExitStatus status) {

  public ExportImportReport {
    recordsByKind = Map.copyOf(recordsByKind);
    warnings = List.copyOf(warnings);
    headerTemplates = List.copyOf(headerTemplates);
  }

  /** True if no line was lost. */
  public boolean complete() {
    return linesCovered == linesTotal;
  }
}
