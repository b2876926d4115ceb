package dev.coffer.archive.proof;

/**
 * A self-contained proof: everything needed to check it is in it (hashes, the signed checkpoint notes,
 * the Ed25519 public key). Holding one says nothing about its validity: see {@link ProofVerifier}.
 */
public sealed interface Proof permits InclusionProof, ConsistencyProof {
  /** The raw 32-byte Ed25519 public key the checkpoints are signed with (RFC 8032). */
  byte[] publicKey();
}
