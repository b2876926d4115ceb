package dev.coffer.connectors.wecom;

import java.util.List;
import java.util.Map;

/**
 * What a WeCom import did.
 *
 * @param files the input files read, in order, each with its archived blob's SHA-256
 * @param messages messages (decrypted-stream objects and page items) met, including those below the cursor
 * @param recordsAppended new records, the audit record included
 * @param duplicates records already archived (a re-run, overlapping pages)
 * @param unparsed unparsed records among those produced
 * @param keptEncrypted page items archived still encrypted (no key, wrong key, no decryptor)
 * @param belowCursor page items skipped because their seq is at or below the cursor
 * @param recordsByKind records produced by JSON kind (duplicates included)
 * @param attachmentsStored media fetched through the decryptor and archived
 * @param attachmentsPending media not fetched (no decryptor, or the SDK refused): pending
 * @param cursorBefore the seq cursor when the import started (0 when none)
 * @param cursorAfter the seq cursor when it ended
 * @param seqGaps gaps between consecutive seqs read, as {@code after..before} (e.g. {@code 196..200})
 * @param auditId the audit record of this import
 * @param warnings things an operator should look at (no content)
 * @param exitCode 0, or 3 when some input is kept as unparsed records
 */
public record WeComImportReport(
    List<FileRead> files,
    long messages,
    long recordsAppended,
    long duplicates,
    long unparsed,
    long keptEncrypted,
    long belowCursor,
    Map<String, Long> recordsByKind,
    long attachmentsStored,
    long attachmentsPending,
    long cursorBefore,
    long cursorAfter,
    List<String> seqGaps,
    String auditId,
    List<String> warnings,
    int exitCode) {

  public WeComImportReport {
    files = List.copyOf(files);
    recordsByKind = Map.copyOf(recordsByKind);
    seqGaps = List.copyOf(seqGaps);
    warnings = List.copyOf(warnings);
  }

  /** One input file: its path as given and the digest of its archived copy. */
  public record FileRead(String path, String sha256) {}
}
