package dev.coffer.archive.retention;

import java.time.Instant;

/**
 * A record restricted after an erasure request during its retention (GDPR Art. 17(3)(b), 18): kept,
 * hidden from everyone but the compliance role. Made by a {@code restrict} audit record.
 *
 * @param recordId the restricted record
 * @param reason why (e.g. the request's reference)
 * @param at when
 * @param by who
 * @param auditRecord the id of the {@code restrict} audit record
 */
public record Restriction(String recordId, String reason, Instant at, String by, String auditRecord) {}
