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
 * @param headerFormat the header shape the file uses
 * @param dateOrder the date order used
 * @param dateOrderEvidence why
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
    String zone,
    String auditId,
    List<String> warnings,
    ExitStatus status) {

  public ExportImportReport {
    recordsByKind = Map.copyOf(recordsByKind);
    warnings = List.copyOf(warnings);
  }

  /** True if no line was lost. */
  public boolean complete() {
    return linesCovered == linesTotal;
  }
}
