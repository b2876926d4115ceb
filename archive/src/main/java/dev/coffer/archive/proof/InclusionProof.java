package dev.coffer.archive.proof;

import java.util.List;
import java.util.Objects;

/**
 * The claim "this record, with these exact canonical bytes, is leaf {@code leafIndex} of the tree of
 * {@code treeSize} records signed in {@code checkpoint}", with its RFC 6962 audit path.
 *
 * @param recordId the record's id (the canonical JSON's top-level {@code id})
 * @param canonical the record's RFC 8785 canonical JSON, byte for byte as archived
 * @param digest SHA-256 of {@code canonical} (32 bytes): the Merkle leaf data
 * @param leafIndex 0-based leaf index (the record's serial minus 1)
 * @param treeSize the checkpoint's size
 * @param path the audit path, leaf to root (RFC 6962 §2.1.1), 32-byte hashes
 * @param checkpoint the checkpoint as a C2SP signed note (see {@code SignedNote}), verbatim
 * @param publicKey the raw 32-byte Ed25519 key that signed the checkpoint
 */
public record InclusionProof(String recordId, byte[] canonical, byte[] digest, long leafIndex, long treeSize,
    List<byte[]> path, String checkpoint, byte[] publicKey) implements Proof {
  public InclusionProof {
    Objects.requireNonNull(recordId, "recordId");
    canonical = canonical.clone();
    digest = digest.clone();
    path = path.stream().map(byte[]::clone).toList();
    Objects.requireNonNull(checkpoint, "checkpoint");
    publicKey = publicKey.clone();
  }

  /** The record's serial number in the archive. */
  public long serial() {
    return leafIndex + 1;
  }

  @Override
  public byte[] canonical() {
    return canonical.clone();
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public List<byte[]> path() {
    return path.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }
}
