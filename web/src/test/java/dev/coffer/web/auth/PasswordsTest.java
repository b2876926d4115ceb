package dev.coffer.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  final Passwords passwords = new Passwords(8 * 1024, 1);

  @Test
  void hashesWithArgon2idAndASaltAndVerifies() {
    String a = passwords.hash("correct horse battery".toCharArray());
    String b = passwords.hash("correct horse battery".toCharArray());
    assertThat(a).startsWith("$argon2id$v=19$m=8192,t=1,p=1$").isNotEqualTo(b);
    assertThat(passwords.verify("correct horse battery".toCharArray(), a)).isTrue();
    assertThat(passwords.verify("correct horse batterY".toCharArray(), a)).isFalse();
    assertThat(passwords.verify("".toCharArray(), a)).isFalse();
  }

  @Test
  void aHashCarriesItsParametersSoOldHashesStillVerifyAfterTheCostRises() {
    String cheap = passwords.hash("pässwörd with ünïcode 密码".toCharArray());
    assertThat(new Passwords().verify("pässwörd with ünïcode 密码".toCharArray(), cheap)).isTrue();
  }

  @Test
  void malformedHashesVerifyNothingAndThrowNothing() {
    for (String bad : new String[] {null, "", "$argon2i$v=19$m=8192,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AA$AA",
        "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "md5:5f4dcc3b5aa765d61d8327deb882cf99", "$argon2id$v=19$m=8192,t=1,p=1$!!$!!"}) {
      assertThat(passwords.verify("x".toCharArray(), bad)).as(String.valueOf(bad)).isFalse();
    }
  }

  @Test
  void oneTimePasswordsAreLongAndDifferentAndWeakPasswordsAreNamed() {
    assertThat(new String(Passwords.oneTimePassword())).hasSize(20).isNotEqualTo(new String(Passwords.oneTimePassword()));
    assertThat(Passwords.weakness("short".toCharArray())).contains("12 characters");
    assertThat(Passwords.weakness("aaaaaaaaaaaaaaaa".toCharArray())).contains("repeated");
    assertThat(Passwords.weakness("a long enough passphrase".toCharArray())).isNull();
  }
}
