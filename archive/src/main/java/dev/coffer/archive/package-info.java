/**
 * Coffer's evidence archive: start at {@link dev.coffer.archive.Archives}, which creates and opens an
 * {@link dev.coffer.archive.Archive}.
 *
 * <p>An archive is an append-only log of {@code coffer/1} records plus content-addressed blobs, kept in
 * an {@link dev.coffer.archive.store.ObjectStore}. Appends from many threads share group commits: one
 * immutable segment object and one signed checkpoint per commit, both durable before any caller
 * returns. Every record is a leaf of one RFC 6962 Merkle tree ({@code archive.merkle}); checkpoints are
 * Ed25519-signed tree heads ({@code archive.checkpoint}); {@code archive.verify} re-reads everything.
 * The byte formats are in {@code docs/archive-format.md}.
 *
 * <pre>{@code
 * try (Archive archive = Archives.open(dataDir, ArchiveOptions.defaults())) {
 *   String raw = archive.putBlob(exportFile);          // the original, stored once
 *   AppendResult r = archive.append(records);          // durable on return
 *   archive.latestCheckpoint();                         // the signed tree head covering them
 * }
 * }</pre>
 */
package dev.coffer.archive;
