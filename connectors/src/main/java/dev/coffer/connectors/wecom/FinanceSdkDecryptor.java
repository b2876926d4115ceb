package dev.coffer.connectors.wecom;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The {@link WeComDecryptor} over Tencent's Finance SDK for Java: the JNI class
 * {@code com.tencent.wework.Finance} with its native library ({@code libWeWorkFinanceSdk_Java.so}).
 *
 * <p>Coffer does not ship the SDK (Tencent's licence, a native binary per platform). The firm puts
 * the SDK's class on the classpath ({@code COFFER_CLASSPATH}) and its library on the library path
 * ({@code COFFER_JAVA_OPTS=-Djava.library.path=…}); this adapter finds the class by name, so Coffer
 * compiles and runs without it. Calls, as the SDK documents them:
 * <pre>
 * sdk = NewSdk(); Init(sdk, corpid, secret) == 0
 * DecryptData(sdk, random_key, encrypt_chat_msg, slice) == 0 → GetContentFromSlice(slice)   (FreeSlice after)
 * loop GetMediaData(sdk, indexbuf, sdkfileid, proxy, passwd, timeout, media) == 0 →
 *      GetData(media) chunk (≤512 KiB), GetOutIndexBuf(media) → next indexbuf, until IsMediaDataFinish(media) == 1
 * DestroySdk(sdk)
 * </pre>
 * A non-zero return becomes a {@link WeComDecryptorException} naming the call and the code (e.g.
 * 10001 network, 10002 data parse, 10003 system, 10004 secret, 10005 fileid, 10006 decrypt,
 * 10007 no key for the version); media reads stop after {@link #MAX_MEDIA_CHUNKS} chunks.
 * Not thread-safe (one SDK handle); {@link #close} destroys the handle.
 */
public final class FinanceSdkDecryptor implements WeComDecryptor {
  /** The JNI class name is compiled into Tencent's native library and cannot change. */
  public static final String SDK_CLASS = "com.tencent.wework.Finance";
  /** 512 KiB chunks: 8192 chunks is 4 GiB, beyond any WeCom media file. */
  static final int MAX_MEDIA_CHUNKS = 8192;

  private final Class<?> finance;
  private final long sdk;
  private final String proxy;
  private final String proxyPassword;
  private final long timeoutSeconds;
  private final Method decrypt;
  private final boolean decryptTakesSdk;
  private boolean closed;

  private FinanceSdkDecryptor(Class<?> finance, long sdk, String proxy, String proxyPassword,
      long timeoutSeconds) throws WeComDecryptorException {
    this.finance = finance;
    this.sdk = sdk;
    this.proxy = proxy == null ? "" : proxy;
    this.proxyPassword = proxyPassword == null ? "" : proxyPassword;
    this.timeoutSeconds = timeoutSeconds;
    Method withSdk = find(finance, "DecryptData", long.class, String.class, String.class, long.class);
    // Older builds mirror the C API, whose DecryptData takes no SDK handle.
    this.decrypt = withSdk != null ? withSdk
        : find(finance, "DecryptData", String.class, String.class, long.class);
    if (decrypt == null) {
      throw new WeComDecryptorException(SDK_CLASS + " has no DecryptData method this adapter knows");
    }
    this.decryptTakesSdk = withSdk != null;
  }

  /**
   * Loads the SDK class, creates an SDK handle and initializes it for the corporation.
   *
   * @param corpId the CorpID (COFFER_WECOM_CORP_ID)
   * @param secret the conversation-archive Secret (COFFER_WECOM_SECRET); never logged
   * @param proxy an HTTP proxy for media downloads, or null
   * @param proxyPassword the proxy's {@code user:password}, or null
   * @param timeoutSeconds per media call
   * @throws WeComDecryptorException if the class or its native library is not there, or Init fails
   */
  public static FinanceSdkDecryptor load(String corpId, String secret, String proxy,
      String proxyPassword, long timeoutSeconds) throws WeComDecryptorException {
    if (corpId == null || corpId.isBlank()) {
      throw new IllegalArgumentException("the WeCom CorpID is missing (COFFER_WECOM_CORP_ID)");
    }
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("the WeCom archive Secret is missing (COFFER_WECOM_SECRET)");
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("the WeCom media timeout must be at least 1 second, not " + timeoutSeconds);
    }
    Class<?> finance;
    try {
      finance = Class.forName(SDK_CLASS);
    } catch (ClassNotFoundException e) {
      throw new WeComDecryptorException("the Finance SDK class " + SDK_CLASS + " is not on the"
          + " classpath (put Tencent's SDK jar in COFFER_CLASSPATH); see docs/wecom-archive.md");
    } catch (LinkageError e) {
      throw new WeComDecryptorException("the Finance SDK's native library could not be loaded ("
          + e.getClass().getSimpleName() + "): set -Djava.library.path in COFFER_JAVA_OPTS");
    }
    long sdk = (long) call(finance, "NewSdk", new Class<?>[0]);
    int rc = (int) call(finance, "Init", new Class<?>[] {long.class, String.class, String.class},
        sdk, corpId, secret);
    if (rc != 0) {
      call(finance, "DestroySdk", new Class<?>[] {long.class}, sdk);
      throw new WeComDecryptorException("Finance SDK Init returned " + rc
          + " (check the CorpID, the archive Secret and the server's IP allow-list)");
    }
    return new FinanceSdkDecryptor(finance, sdk, proxy, proxyPassword, timeoutSeconds);
  }

  @Override
  public byte[] decrypt(String randomKey, String encryptChatMsg) throws WeComDecryptorException {
    open();
    Objects.requireNonNull(randomKey, "randomKey");
    Objects.requireNonNull(encryptChatMsg, "encryptChatMsg");
    long slice = (long) call(finance, "NewSlice", new Class<?>[0]);
    try {
      int rc = (int) invoke(decrypt, decryptTakesSdk
          ? new Object[] {sdk, randomKey, encryptChatMsg, slice}
          : new Object[] {randomKey, encryptChatMsg, slice});
      if (rc != 0) {
        throw new WeComDecryptorException("Finance SDK DecryptData returned " + rc);
      }
      String content = (String) call(finance, "GetContentFromSlice", new Class<?>[] {long.class}, slice);
      if (content == null) {
        throw new WeComDecryptorException("Finance SDK DecryptData gave no content");
      }
      return content.getBytes(StandardCharsets.UTF_8);
    } finally {
      call(finance, "FreeSlice", new Class<?>[] {long.class}, slice);
    }
  }

  @Override
  public InputStream openMedia(String sdkFileId) throws WeComDecryptorException {
    open();
    Objects.requireNonNull(sdkFileId, "sdkFileId");
    return new InputStream() {
      private String indexBuf = "";
      private byte[] chunk = new byte[0];
      private int pos;
      private boolean finished;
      private int chunks;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (pos == chunk.length) {
          if (finished) {
            return -1;
          }
          next();
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
      }

      private void next() throws IOException {
        if (++chunks > MAX_MEDIA_CHUNKS) {
          throw new IOException("Finance SDK media did not finish within " + MAX_MEDIA_CHUNKS + " chunks");
        }
        try {
          long media = (long) call(finance, "NewMediaData", new Class<?>[0]);
          try {
            int rc = (int) call(finance, "GetMediaData", new Class<?>[] {long.class, String.class,
                String.class, String.class, String.class, long.class, long.class},
                sdk, indexBuf, sdkFileId, proxy, proxyPassword, timeoutSeconds, media);
            if (rc != 0) {
              throw new WeComDecryptorException("Finance SDK GetMediaData returned " + rc);
            }
            byte[] data = (byte[]) call(finance, "GetData", new Class<?>[] {long.class}, media);
            chunk = data == null ? new byte[0] : data;
            pos = 0;
            indexBuf = (String) call(finance, "GetOutIndexBuf", new Class<?>[] {long.class}, media);
            finished = (int) call(finance, "IsMediaDataFinish", new Class<?>[] {long.class}, media) == 1;
          } finally {
            call(finance, "FreeMediaData", new Class<?>[] {long.class}, media);
          }
        } catch (WeComDecryptorException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        call(finance, "DestroySdk", new Class<?>[] {long.class}, sdk);
      } catch (WeComDecryptorException e) {
        // Nothing more can be released.
      }
    }
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the Finance SDK adapter is closed");
    }
  }

  private static Method find(Class<?> c, String name, Class<?>... types) {
    try {
      return c.getMethod(name, types);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Object call(Class<?> c, String name, Class<?>[] types, Object... args)
      throws WeComDecryptorException {
    Method m = find(c, name, types);
    if (m == null) {
      throw new WeComDecryptorException(SDK_CLASS + " has no method " + name + " with the documented parameters");
    }
    return invoke(m, args);
  }

  private static Object invoke(Method m, Object[] args) throws WeComDecryptorException {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new WeComDecryptorException("Finance SDK " + m.getName() + " failed: "
          + (cause == null ? "?" : cause.getClass().getSimpleName()), cause);
    } catch (IllegalAccessException e) {
      throw new WeComDecryptorException("Finance SDK " + m.getName() + " is not accessible", e);
    }
  }
}
