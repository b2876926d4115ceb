package dev.coffer.bench.micro;

import dev.coffer.archive.merkle.MerkleFrontier;
import dev.coffer.archive.merkle.MerkleProofs;
import dev.coffer.archive.merkle.Rfc6962;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Merkle tree (RFC 6962): appending a leaf to the compact frontier (leaf hash included), and
 * generating an inclusion proof with {@code MerkleProofs.inclusionProof} over a tree of
 * {@code leaves} leaves whose leaf hashes are in memory.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MerkleBench {
  @Param({"100000"})
  public int leaves;

  private MerkleFrontier frontier;
  private byte[][] leafHashes;
  private final byte[] leafData = new byte[600];
  private long counter;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void setUp() {
    frontier = new MerkleFrontier();
    leafHashes = new byte[leaves][];
    ByteBuffer b = ByteBuffer.allocate(8);
    for (int i = 0; i < leaves; i++) {
      leafHashes[i] = Rfc6962.leafHash(b.clear().putLong(0, i).array());
    }
  }

  /** One leaf appended: the leaf hash of a 600-byte record (a typical canonical message) plus the frontier update. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  public long append() {
    leafData[(int) (counter++ % leafData.length)]++;
    frontier.appendLeafData(leafData);
    return frontier.size();
  }

  /** One inclusion proof for a random leaf of the tree of {@code leaves} leaves. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  public List<byte[]> inclusionProof() throws IOException {
    long index = random.nextInt(leaves);
    return MerkleProofs.inclusionProof(index, leaves, i -> leafHashes[(int) i]);
  }
}
