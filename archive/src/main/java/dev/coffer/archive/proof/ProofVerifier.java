package dev.coffer.archive.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.archive.checkpoint.Checkpoint;
import dev.coffer.archive.checkpoint.SignedNote;
import dev.coffer.archive.keys.SigningKeys;
import dev.coffer.archive.merkle.MerkleProofs;
import dev.coffer.archive.merkle.Rfc6962;
import dev.coffer.model.Digests;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * Checks a proof using only what it holds, the way an outside auditor would (and the way
 * {@code tools/verify_proof.py} does, independently). An inclusion proof is valid when the record bytes
 * hash to the digest, the digest's leaf hash and the path give the root of a checkpoint whose size is the
 * tree size, and that checkpoint's signed note verifies with the public key. A consistency proof is
 * valid when both notes verify with the key, name the same archive and the sizes, and the path proves
 * the older root is a prefix of the newer (RFC 9162 §2.1.4.2).
 *
 * <p>The key comes with the proof: that proves the archive holding this key signed it. Whether the key
 * is the archive's is for the caller to decide, by {@link #verify(Proof, PublicKey)} or by comparing
 * the fingerprint the verdict names with the one the archive publishes (its manifest's
 * {@code signing-key-sha256}).
 */
public final class ProofVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProofVerifier() {}

  /** The outcome: valid or not, and one line saying what was verified or what failed. */
  public record Verdict(boolean valid, String message) {
    static Verdict fail(String message) {
      return new Verdict(false, message);
    }
  }

  /** Reads and checks a proof file; a malformed file is an invalid proof. */
  public static Verdict verify(byte[] proofFile) {
    Proof proof;
    try {
      proof = ProofJson.read(proofFile);
    } catch (IllegalArgumentException e) {
      return Verdict.fail("malformed proof: " + e.getMessage());
    }
    return verify(proof);
  }

  /** Checks a proof and also requires it to carry {@code trusted} as its key. */
  public static Verdict verify(Proof proof, PublicKey trusted) {
    if (!Arrays.equals(SignedNote.rawPublicKey(trusted), proof.publicKey())) {
      return Verdict.fail("the proof's public key is not the trusted key " + SigningKeys.fingerprint(trusted));
    }
    return verify(proof);
  }

  /** Checks a proof against the key it carries. */
  public static Verdict verify(Proof proof) {
    PublicKey key;
    try {
      key = SignedNote.publicKey(proof.publicKey());
    } catch (IllegalArgumentException e) {
      return Verdict.fail("publicKey: " + e.getMessage());
    }
    String fingerprint = " (key sha256 " + SigningKeys.fingerprint(key) + ")";
    return switch (proof) {
      case InclusionProof p -> inclusion(p, key, fingerprint);
      case ConsistencyProof p -> consistency(p, key, fingerprint);
    };
  }

  private static Verdict inclusion(InclusionProof p, PublicKey key, String fingerprint) {
    byte[] digest = Digests.sha256(p.canonical());
    if (!Arrays.equals(digest, p.digest())) {
      return Verdict.fail("digest " + Digests.hex(p.digest()) + " is not the SHA-256 of the record bytes (" + Digests.hex(digest) + ")");
    }
    String id;
    try {
      JsonNode n = JSON.readTree(p.canonical());
      id = n != null && n.isObject() && n.path("id").isTextual() ? n.get("id").textValue() : null;
    } catch (IOException e) {
      id = null;
    }
    if (!p.recordId().equals(id)) {
      return Verdict.fail("recordId " + p.recordId() + " is not the id in the record bytes");
    }
    Checkpoint cp;
    try {
      cp = checkpoint(p.checkpoint(), p.publicKey(), key, "checkpoint");
    } catch (IllegalArgumentException e) {
      return Verdict.fail(e.getMessage());
    }
    if (cp.size() != p.treeSize()) {
      return Verdict.fail("checkpoint size " + cp.size() + " is not treeSize " + p.treeSize());
    }
    byte[] root;
    try {
      root = MerkleProofs.rootFromInclusionProof(p.leafIndex(), p.treeSize(), Rfc6962.leafHash(digest), p.path());
    } catch (IllegalArgumentException e) {
      return Verdict.fail("inclusion path: " + e.getMessage());
    }
    if (!Arrays.equals(root, cp.root())) {
      return Verdict.fail("inclusion path leads to root " + Digests.hex(root) + ", not the checkpoint's root " + cp.rootHex());
    }
    return new Verdict(true, "valid: record " + p.recordId() + " (sha256 " + Digests.hex(digest) + ") is leaf "
        + p.leafIndex() + " of the " + p.treeSize() + "-record tree signed by " + Checkpoint.ORIGIN_PREFIX
        + cp.archiveId() + fingerprint);
  }

  private static Verdict consistency(ConsistencyProof p, PublicKey key, String fingerprint) {
    Checkpoint older;
    Checkpoint newer;
    try {
      older = checkpoint(p.oldCheckpoint(), p.publicKey(), key, "oldCheckpoint");
      newer = checkpoint(p.newCheckpoint(), p.publicKey(), key, "newCheckpoint");
    } catch (IllegalArgumentException e) {
      return Verdict.fail(e.getMessage());
    }
    if (!older.archiveId().equals(newer.archiveId())) {
      return Verdict.fail("the checkpoints name different archives");
    }
    if (older.size() != p.oldSize() || newer.size() != p.newSize()) {
      return Verdict.fail("checkpoint sizes " + older.size() + " and " + newer.size() + " are not oldSize " + p.oldSize()
          + " and newSize " + p.newSize());
    }
    if (!MerkleProofs.verifyConsistency(p.oldSize(), p.newSize(), older.root(), newer.root(), p.path())) {
      return Verdict.fail("consistency path does not prove the tree of " + p.oldSize() + " records is a prefix of the tree of "
          + p.newSize());
    }
    return new Verdict(true, "valid: the " + p.newSize() + "-record tree extends the " + p.oldSize() + "-record tree of "
        + Checkpoint.ORIGIN_PREFIX + older.archiveId() + fingerprint);
  }

  private static Checkpoint checkpoint(String note, byte[] rawKey, PublicKey key, String field) {
    Checkpoint cp;
    try {
      cp = SignedNote.parse(note, rawKey);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
    if (!cp.verifySignature(key)) {
      throw new IllegalArgumentException(field + ": Ed25519 signature does not verify with the public key");
    }
    return cp;
  }
}
