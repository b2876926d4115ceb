/**
 * Proofs anyone can check: that a record is in the archive's Merkle tree under a signed checkpoint
 * ({@link dev.coffer.archive.proof.InclusionProof}), and that a later checkpoint extends an earlier one
 * ({@link dev.coffer.archive.proof.ConsistencyProof}).
 *
 * <p>{@code Archive.proveInclusion} and {@code Archive.proveConsistency} produce them;
 * {@link dev.coffer.archive.proof.ProofJson} writes and reads the self-contained JSON file documented in
 * {@code docs/proof-format.md}; {@link dev.coffer.archive.proof.ProofVerifier} checks one using only
 * what the file holds. {@code tools/verify_proof.py} is the independent check of the same file.
 */
package dev.coffer.archive.proof;
