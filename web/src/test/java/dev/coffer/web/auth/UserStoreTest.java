package dev.coffer.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {
  @TempDir Path dir;
  final Passwords passwords = new Passwords(8 * 1024, 1);

  @Test
  void usersSurviveReopeningInAnOwnerOnlyFileWithoutPlaintextSecrets() throws Exception {
    UserStore s = UserStore.open(dir, passwords, Clock.systemUTC());
    char[] otp = s.add("rita", Role.REVIEWER);
    s.update("rita", u -> u.withAssignments(new Assignments(Set.of("+447700900001"), Set.of("c1"), Set.of("wechat")))
        .withSavedSearches(List.of(new User.SavedSearch("guarantees", "q=guarantee"))));
    UserStore again = UserStore.open(dir, passwords, Clock.systemUTC());
    User u = again.find("rita").orElseThrow();
    assertThat(u.role()).isEqualTo(Role.REVIEWER);
    assertThat(u.mustChangePassword()).isTrue();
    assertThat(passwords.verify(otp, u.passwordHash())).isTrue();
    assertThat(u.assignments().channels()).containsExactly("wechat");
    assertThat(u.savedSearches()).extracting(User.SavedSearch::label).containsExactly("guarantees");
    Path f = dir.resolve(UserStore.DIR).resolve(UserStore.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(Files.readString(f)).doesNotContain(new String(otp));
    assertThat(u.toString()).doesNotContain(u.passwordHash());
    assertThat(Files.exists(dir.resolve(UserStore.DIR).resolve(UserStore.FILE + ".tmp"))).isFalse();
  }

  @Test
  void aLooseFileIsTightenedOnOpen() throws Exception {
    UserStore.open(dir, passwords, Clock.systemUTC()).add("admin", Role.ADMIN);
    Path f = dir.resolve(UserStore.DIR).resolve(UserStore.FILE);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    UserStore.open(dir, passwords, Clock.systemUTC());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
  }

  @Test
  void badNamesRolesAndDuplicatesAreRefusedNamingTheValue() throws Exception {
    UserStore s = UserStore.open(dir, passwords, Clock.systemUTC());
    s.add("admin", Role.ADMIN);
    assertThatThrownBy(() -> s.add("admin", Role.AUDITOR)).hasMessageContaining("'admin' exists");
    assertThatThrownBy(() -> s.add("Bad Name", Role.AUDITOR)).hasMessageContaining("'Bad Name'");
    assertThatThrownBy(() -> Role.parse("root")).hasMessageContaining("'root'");
    assertThatThrownBy(() -> s.update("ghost", u -> u)).hasMessageContaining("'ghost'");
    assertThat(s.list()).extracting(User::name).containsExactly("admin");
  }

  @Test
  void anUnreadableFileFailsNamingItAndIsNotOverwritten() throws Exception {
    Files.createDirectories(dir.resolve(UserStore.DIR));
    Files.writeString(dir.resolve(UserStore.DIR).resolve(UserStore.FILE), "{not json");
    assertThatThrownBy(() -> UserStore.open(dir, passwords, Clock.systemUTC()))
        .hasMessageContaining(UserStore.FILE);
    assertThat(Files.readString(dir.resolve(UserStore.DIR).resolve(UserStore.FILE))).isEqualTo("{not json");
  }

  @Test
  void inAnEncryptedArchiveUsersAreSealedAndAPlaintextFileIsMigratedOnFirstOpen() throws Exception {
    dev.coffer.archive.Archives.create(dir, dev.coffer.archive.ArchiveOptions.defaults()).close();
    // a user database written by an earlier Coffer, in plaintext
    UserStore old = UserStore.open(dir, dev.coffer.archive.crypto.Encryption.none(), passwords, Clock.systemUTC());
    char[] otp = old.add("rita", Role.REVIEWER);
    Path plain = dir.resolve(UserStore.DIR).resolve(UserStore.FILE);
    assertThat(Files.readString(plain)).contains("rita").contains("$argon2id$");

    UserStore s = UserStore.open(dir, passwords, Clock.systemUTC());
    Path sealed = dir.resolve(UserStore.DIR).resolve(UserStore.SEALED_FILE);
    assertThat(s.path()).isEqualTo(sealed);
    assertThat(Files.exists(plain)).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sealed))).isEqualTo("rw-------");
    String bytes = new String(Files.readAllBytes(sealed), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).doesNotContain("rita").doesNotContain("argon2").doesNotContain("reviewer").doesNotContain(FORMAT_WORD);
    assertThat(passwords.verify(otp, s.find("rita").orElseThrow().passwordHash())).isTrue();
    s.update("rita", u -> u.withTotp("JBSWY3DPEHPK3PXP", false));
    assertThat(new String(Files.readAllBytes(sealed), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("JBSWY3DPEHPK3PXP").doesNotContain("rita");
    assertThat(UserStore.open(dir, passwords, Clock.systemUTC()).find("rita").orElseThrow().totpSecret())
        .isEqualTo("JBSWY3DPEHPK3PXP");

    // an altered sealed file is refused, not read as empty
    byte[] b = Files.readAllBytes(sealed);
    b[b.length - 20] ^= 1;
    Files.write(sealed, b);
    assertThatThrownBy(() -> UserStore.open(dir, passwords, Clock.systemUTC())).isInstanceOf(java.io.IOException.class);
    // and a plaintext file put in the sealed file's place is refused too
    Files.writeString(sealed, "{\"format\":\"coffer-users/1\",\"users\":[]}");
    assertThatThrownBy(() -> UserStore.open(dir, passwords, Clock.systemUTC())).hasMessageContaining("not sealed");
  }

  private static final String FORMAT_WORD = "coffer-users";
}
