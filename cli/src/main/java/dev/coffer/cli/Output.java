package dev.coffer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.coffer.model.RecordJson;
import java.io.PrintWriter;

/**
 * Where a command writes: human text or, with {@code --json}, one JSON document on standard output.
 * Progress and diagnostics go to standard error so that standard output stays machine-readable.
 */
final class Output {
  private static final ObjectMapper PRETTY =
      RecordJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;

  Output(PrintWriter out, PrintWriter err, boolean json) {
    this.out = out;
    this.err = err;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  /** Writes a line of human text (suppressed in --json mode). */
  void line(String text) {
    if (!json) {
      out.println(text);
      out.flush();
    }
  }

  /** Writes a value as JSON (only in --json mode). */
  void json(Object value) {
    if (json) {
      try {
        out.println(PRETTY.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON output", e);
      }
      out.flush();
    }
  }

  /** Writes a diagnostic to standard error (both modes). */
  void warn(String text) {
    err.println(text);
    err.flush();
  }

  /** True if standard output is an interactive terminal (colour, bars). */
  static boolean interactive() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    // From Java 22 a Console exists even when output is redirected; ask it, where it can answer.
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException onJava21) {
      return true;
    }
  }
}
