package dev.coffer.connectors.whatsapp.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the chat text is: a .txt file, or an entry of a zip. Opened once per pass. */
sealed interface ChatText {
  String name();

  long size() throws IOException;

  InputStream open() throws IOException;

  record File(Path path) implements ChatText {
    @Override
    public String name() {
      return path.getFileName().toString();
    }

    @Override
    public long size() throws IOException {
      return Files.size(path);
    }

    @Override
    public InputStream open() throws IOException {
      return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    }
  }

  record InZip(ZipInput zip) implements ChatText {
    @Override
    public String name() {
      return zip.chatName();
    }

    @Override
    public long size() throws IOException {
      long n = 0;
      try (InputStream in = open()) {
        byte[] buf = new byte[1 << 16];
        int r;
        while ((r = in.read(buf)) > 0) {
          n += r;
        }
      }
      return n;
    }

    @Override
    public InputStream open() throws IOException {
      return new BufferedInputStream(zip.openChat(), 1 << 16);
    }
  }
}
