package com.tencent.wework;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test stand-in with the method signatures of Tencent's Finance SDK for Java (whose real class
 * has this name and is backed by a native library Coffer cannot ship). It lets the adapter
 * {@code FinanceSdkDecryptor} be exercised through reflection exactly as against the SDK: handles,
 * slices, return codes, and media in chunks with an index buffer. Its "decryption" is the test
 * cipher of the wecom tests; the real algorithm is Tencent's.
 */
public final class Finance {
  public static final String SECRET = "test-archive-secret";
  public static final Map<String, byte[]> MEDIA = new HashMap<>();
  public static int chunkSize = 4;
  public static int openSdks;

  private static final AtomicLong HANDLES = new AtomicLong(100);
  private static final Map<Long, String> SLICES = new HashMap<>();
  private static final Map<Long, Object[]> MEDIA_DATA = new HashMap<>();

  private Finance() {}

  public static long NewSdk() {
    openSdks++;
    return HANDLES.incrementAndGet();
  }

  public static int Init(long sdk, String corpid, String secret) {
    return SECRET.equals(secret) ? 0 : 10004;
  }

  public static void DestroySdk(long sdk) {
    openSdks--;
  }

  public static long NewSlice() {
    long h = HANDLES.incrementAndGet();
    SLICES.put(h, null);
    return h;
  }

  public static void FreeSlice(long slice) {
    SLICES.remove(slice);
  }

  public static String GetContentFromSlice(long slice) {
    return SLICES.get(slice);
  }

  public static int DecryptData(long sdk, String encryptKey, String encryptMsg, long msg) {
    try {
      byte[] plain = new dev.coffer.connectors.wecom.TestCipherAccess().decrypt(encryptKey, encryptMsg);
      SLICES.put(msg, new String(plain, java.nio.charset.StandardCharsets.UTF_8));
      return 0;
    } catch (Exception e) {
      return 10006;
    }
  }

  public static long NewMediaData() {
    long h = HANDLES.incrementAndGet();
    MEDIA_DATA.put(h, new Object[3]);
    return h;
  }

  public static void FreeMediaData(long mediaData) {
    MEDIA_DATA.remove(mediaData);
  }

  public static int GetMediaData(long sdk, String indexbuf, String sdkField, String proxy,
      String passwd, long timeout, long mediaData) {
    byte[] all = MEDIA.get(sdkField);
    if (all == null) {
      return 10005;
    }
    int from = indexbuf == null || indexbuf.isEmpty() ? 0 : Integer.parseInt(indexbuf);
    int to = Math.min(all.length, from + chunkSize);
    MEDIA_DATA.put(mediaData, new Object[] {Arrays.copyOfRange(all, from, to), Integer.toString(to),
        to == all.length ? 1 : 0});
    return 0;
  }

  public static byte[] GetData(long mediaData) {
    return (byte[]) MEDIA_DATA.get(mediaData)[0];
  }

  public static String GetOutIndexBuf(long mediaData) {
    return (String) MEDIA_DATA.get(mediaData)[1];
  }

  public static int IsMediaDataFinish(long mediaData) {
    return (int) MEDIA_DATA.get(mediaData)[2];
  }
}
