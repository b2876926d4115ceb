package dev.coffer.archive.crypto;

import java.security.GeneralSecurityException;

/**
 * A key-encryption key: wraps and unwraps an archive's data keys. This is the seam for a KMS or an
 * HSM: an implementation that calls AWS KMS {@code Encrypt}/{@code Decrypt}, a PKCS#11 token's
 * {@code C_WrapKey}/{@code C_UnwrapKey} or Vault's transit engine never hands the master key's bytes
 * to Coffer, and the rest of the archive cannot tell the difference. {@link MasterKeyFile} is the
 * built-in implementation (a 256-bit AES key in a 0600 file or in the environment).
 *
 * <p>Contract: {@code unwrap(wrap(k, aad), aad)} returns {@code k}; unwrapping with another
 * {@code aad}, or bytes that {@code wrap} of this key did not return, fails with
 * {@link GeneralSecurityException} (an authenticated wrap, such as AES-GCM). Thread-safe.
 */
public interface MasterKey {
  /** A stable id naming this key in the keyring (16 lowercase hex for key files); never secret. */
  String id();

  /** Where this key comes from, for messages and {@code coffer keys list} (never the key itself). */
  String origin();

  /** Creation time, epoch milliseconds UTC, or -1 when unknown. */
  long created();

  /** Encrypts and authenticates {@code dataKey} bound to {@code aad}. */
  byte[] wrap(byte[] dataKey, byte[] aad) throws GeneralSecurityException;

  /** Reverses {@link #wrap}; fails if {@code wrapped} or {@code aad} differ from what was wrapped. */
  byte[] unwrap(byte[] wrapped, byte[] aad) throws GeneralSecurityException;
}
