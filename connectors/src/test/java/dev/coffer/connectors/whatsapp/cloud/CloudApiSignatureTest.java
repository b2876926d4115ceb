package dev.coffer.connectors.whatsapp.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloudApiSignatureTest {
  private static final byte[] SECRET = CloudApiSignature.secret("harbour-lights-7");
  private static final byte[] BODY =
      "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

  @Test
  void acceptsTheHmacOfTheRawBody() {
    // Computed independently: printf '%s' BODY | openssl dgst -sha256 -hmac harbour-lights-7
    String header = "sha256=" + hmacByHand();
    assertThat(CloudApiSignature.verify(BODY, header, SECRET)).isTrue();
    assertThat(CloudApiSignature.verify(BODY, header.toUpperCase().replace("SHA256=", "sha256="),
        SECRET)).isTrue();
    assertThat(CloudApiSignature.sign(BODY, SECRET)).isEqualTo(header);
  }

  @Test
  void refusesAnyOtherBodySecretOrHeader() {
    String header = CloudApiSignature.sign(BODY, SECRET);
    byte[] changed = BODY.clone();
    changed[3] ^= 1;
    assertThat(CloudApiSignature.verify(changed, header, SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, header, CloudApiSignature.secret("other"))).isFalse();
    assertThat(CloudApiSignature.verify(BODY, null, SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, "", SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, header.substring(7), SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, "sha1=" + header.substring(7), SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, header.substring(0, header.length() - 1) + "g", SECRET))
        .isFalse();
    assertThat(CloudApiSignature.verify(BODY, header + "00", SECRET)).isFalse();
    assertThat(CloudApiSignature.verify(BODY, header, new byte[0])).isFalse();
  }

  /** HMAC-SHA256 written out from its definition (RFC 2104) over the JDK's SHA-256. */
  private static String hmacByHand() {
    try {
      byte[] key = new byte[64];
      System.arraycopy(SECRET, 0, key, 0, SECRET.length);
      byte[] ipad = new byte[64];
      byte[] opad = new byte[64];
      for (int i = 0; i < 64; i++) {
        ipad[i] = (byte) (key[i] ^ 0x36);
        opad[i] = (byte) (key[i] ^ 0x5c);
      }
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(ipad);
      byte[] inner = sha.digest(BODY);
      sha.update(opad);
      return java.util.HexFormat.of().formatHex(sha.digest(inner));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
