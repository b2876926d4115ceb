package dev.coffer.archive.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.Signature;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

  /** The JDK provider's Ed25519 signature: what checkpoints were signed with before. */
  private static byte[] jdkSignature(java.security.PrivateKey key, byte[] message) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  private static byte[] pemBody(Path file) throws Exception {
    String text = java.nio.file.Files.readString(file);
    return java.util.Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
  }

  @Test
  void signaturesAreTheJdkProvidersBytesAndVerify(@TempDir Path dir) throws Exception {
    Random random = new Random(6);
    for (int k = 0; k < 5; k++) {
      SigningKeys generated = SigningKeys.generate();
      generated.write(dir.resolve("k" + k));
      SigningKeys read = SigningKeys.read(dir.resolve("k" + k));
      java.security.PrivateKey jdkKey = java.security.KeyFactory.getInstance("Ed25519").generatePrivate(
          new java.security.spec.PKCS8EncodedKeySpec(pemBody(dir.resolve("k" + k).resolve(SigningKeys.PRIVATE_FILE))));
      for (int len : new int[] {0, 1, 64, 150, 4096}) {
        byte[] message = new byte[len];
        random.nextBytes(message);
        byte[] signature = read.sign(message);
        assertThat(signature).hasSize(64).isEqualTo(jdkSignature(jdkKey, message)).isEqualTo(generated.sign(message));
        assertThat(SigningKeys.verify(read.publicKey(), message, signature)).isTrue();
        if (len > 0) {
          byte[] other = message.clone();
          other[len / 2] ^= 1;
          assertThat(SigningKeys.verify(read.publicKey(), other, signature)).isFalse();
        }
      }
    }
  }

  @Test
  void aKeyPairThatDoesNotMatchIsRefusedAtRead(@TempDir Path dir) throws Exception {
    SigningKeys a = SigningKeys.generate();
    SigningKeys b = SigningKeys.generate();
    a.write(dir.resolve("a"));
    b.write(dir.resolve("b"));
    java.nio.file.Files.copy(dir.resolve("b").resolve(SigningKeys.PUBLIC_FILE), dir.resolve("a").resolve(SigningKeys.PUBLIC_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SigningKeys.read(dir.resolve("a")))
        .isInstanceOf(dev.coffer.archive.store.CorruptObjectException.class)
        .hasMessageContaining("does not match");
  }
}
