/**
 * RFC 6962 Merkle trees: hashing ({@link dev.coffer.archive.merkle.Rfc6962}), the O(log n) frontier the
 * archive appends to ({@link dev.coffer.archive.merkle.MerkleFrontier}), and inclusion and consistency
 * proofs ({@link dev.coffer.archive.merkle.MerkleProofs}) that standard Certificate Transparency tools
 * check. The leaf data is a record's 32-byte SHA-256 digest.
 */
package dev.coffer.archive.merkle;
