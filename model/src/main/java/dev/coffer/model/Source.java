package dev.coffer.model;

import java.util.Objects;

/**
 * Provenance: which connector produced a record and from which archived original.
 *
 * @param connector e.g. {@code whatsapp-export}, {@code whatsapp-cloud-api}, {@code coffer}
 * @param nativeId the source's own message id when it has one (exports have none)
 * @param raw SHA-256 (lowercase hex) of the archived raw original (export file, webhook body)
 * @param range where in the raw original the record comes from, e.g. {@code lines 12-14}
 * @param zone the IANA zone used to turn the source's local time into UTC, when one was needed
 */
public record Source(String connector, String nativeId, String raw, String range, String zone) {
  public Source {
    Objects.requireNonNull(connector, "source.connector");
  }
}
