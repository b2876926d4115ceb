package dev.coffer.connectors.wecom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencent.wework.Finance;
import dev.coffer.archive.Archive;
import dev.coffer.archive.ArchiveOptions;
import dev.coffer.archive.Archives;
import dev.coffer.model.Message;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK adapter, through reflection, against a stand-in class with the SDK's Java signatures
 * (the real one needs Tencent's native library and a live corporation).
 */
class FinanceSdkDecryptorTest {
  @TempDir Path dir;

  @Test
  void initFailureNamesTheCode() {
    assertThatThrownBy(() -> FinanceSdkDecryptor.load("wwcorp", "wrong", null, null, 10))
        .isInstanceOf(WeComDecryptorException.class).hasMessageContaining("Init returned 10004")
        .hasMessageNotContaining("wrong");
    assertThatThrownBy(() -> FinanceSdkDecryptor.load("", "x", null, null, 10))
        .hasMessageContaining("COFFER_WECOM_CORP_ID");
  }

  @Test
  void decryptsAndStreamsMediaInChunks() throws Exception {
    byte[] media = "0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII);
    Finance.MEDIA.put("SDK_FILE", media);
    int before = Finance.openSdks;
    try (FinanceSdkDecryptor d = FinanceSdkDecryptor.load("wwcorp", Finance.SECRET, null, null, 10)) {
      String ct = TestCipher.encrypt("rk", "{\"msgid\":\"x\"}");
      assertThat(new String(d.decrypt("rk", ct), StandardCharsets.UTF_8)).isEqualTo("{\"msgid\":\"x\"}");
      assertThatThrownBy(() -> d.decrypt("other-key", ct)).hasMessageContaining("DecryptData returned 10006");
      try (InputStream in = d.openMedia("SDK_FILE")) {
        assertThat(in.readAllBytes()).isEqualTo(media);
      }
      assertThatThrownBy(() -> d.openMedia("NOPE").read()).hasMessageContaining("GetMediaData returned 10005");
    }
    assertThat(Finance.openSdks).isEqualTo(before);
  }

  @Test
  void importsPagesEndToEndThroughTheAdapter() throws Exception {
    KeyPair k = TestKeys.V1;
    byte[] voice = "#!AMR\n fake voice bytes".getBytes(StandardCharsets.US_ASCII);
    Finance.MEDIA.put("SDK_VOICE", voice);
    String json = "{\"msgid\":\"v1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"roomid\":\"\","
        + "\"msgtime\":1764030000000,\"msgtype\":\"voice\",\"voice\":{\"voice_size\":" + voice.length
        + ",\"play_length\":2,\"sdkfileid\":\"SDK_VOICE\"}}";
    Path page = ChatDataPagesTest.page(dir, "p.json", List.of(ChatDataPagesTest.item(7, "v1", 4, k.getPublic(), json)));
    try (Archive a = Archives.inMemory(ArchiveOptions.defaults());
        FinanceSdkDecryptor sdk = FinanceSdkDecryptor.load("wwcorp", Finance.SECRET, null, null, 10)) {
      WeComImportReport r = new WeComImporter(a).importPath(page, WeComImportOptions.defaults()
          .withKeys(WeComKeys.of(Map.of(4, k.getPrivate()))).withDecryptor(sdk));
      assertThat(r.attachmentsStored()).isEqualTo(1);
      Message m = (Message) a.get(WeComRecords.messageId("v1")).orElseThrow().record();
      try (InputStream in = a.openBlob(m.attachmentList().get(0).sha256())) {
        assertThat(in.readAllBytes()).isEqualTo(voice);
      }
    }
    assertThat(Files.exists(page)).isTrue();
  }
}
