/**
 * Encryption at rest: the key hierarchy and the wrappers that apply it.
 *
 * <ul>
 *   <li>{@link dev.coffer.archive.crypto.MasterKey} — wraps data keys; the seam for a KMS or HSM.
 *       {@link dev.coffer.archive.crypto.MasterKeyFile} is the built-in one (a 0600 file, or the
 *       environment); {@link dev.coffer.archive.crypto.MasterKeySource} says where keys are looked for.
 *   <li>{@link dev.coffer.archive.crypto.KeyRing} — the archive's data keys, wrapped in
 *       {@code keys/keyring}; rotation re-wraps them and adds a data key.
 *   <li>{@link dev.coffer.archive.crypto.Encryption} — one archive's encryption, assembled on open
 *       from its manifest: {@link dev.coffer.archive.crypto.EncryptingObjectStore} (chunked
 *       AES-256-GCM, object key and archive id authenticated),
 *       {@link dev.coffer.archive.crypto.EncryptedDirectory} (Lucene, AES-256-CTR with an HMAC-SHA256 trailer per file) and
 *       {@link dev.coffer.archive.crypto.BlobNames} (keyed blob names).
 *   <li>{@link dev.coffer.archive.crypto.StagingCipher} — staging files sealed under a key that lives
 *       only in memory.
 * </ul>
 *
 * Only the JDK's {@code javax.crypto} is used (AES/GCM/NoPadding, AES/CTR/NoPadding, HmacSHA256).
 * Formats: {@code docs/archive-format.md}; for admins: {@code docs/encryption.md}.
 */
package dev.coffer.archive.crypto;
