package dev.coffer.connectors.wecom;

/** Lets the SDK stand-in (another package) use the package-private test cipher. */
public final class TestCipherAccess {
  public byte[] decrypt(String randomKey, String encryptChatMsg) throws WeComDecryptorException {
    return new TestCipher().decrypt(randomKey, encryptChatMsg);
  }
}
