package dev.coffer.archive.proof;

import java.util.List;
import java.util.Objects;

/**
 * The claim "the tree signed in {@code newCheckpoint} ({@code newSize} records) extends the tree signed
 * in {@code oldCheckpoint} ({@code oldSize} records): nothing in the first {@code oldSize} records was
 * changed, removed or reordered", with its RFC 6962 consistency proof.
 *
 * @param oldSize the older checkpoint's size
 * @param newSize the newer checkpoint's size ({@code >= oldSize})
 * @param path the consistency proof (RFC 6962 §2.1.2 SUBPROOF), 32-byte hashes
 * @param oldCheckpoint the older checkpoint as a C2SP signed note, verbatim
 * @param newCheckpoint the newer checkpoint as a C2SP signed note, verbatim
 * @param publicKey the raw 32-byte Ed25519 key that signed both checkpoints
 */
public record ConsistencyProof(long oldSize, long newSize, List<byte[]> path, String oldCheckpoint,
    String newCheckpoint, byte[] publicKey) implements Proof {
  public ConsistencyProof {
    path = path.stream().map(byte[]::clone).toList();
    Objects.requireNonNull(oldCheckpoint, "oldCheckpoint");
    Objects.requireNonNull(newCheckpoint, "newCheckpoint");
    publicKey = publicKey.clone();
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
