package dev.coffer.connectors.wecom;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/** RSA-2048 key pairs made once per test JVM (each takes seconds on a loaded machine). */
final class TestKeys {
  static final KeyPair V1 = generate();
  static final KeyPair V2 = generate();

  private TestKeys() {}

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
