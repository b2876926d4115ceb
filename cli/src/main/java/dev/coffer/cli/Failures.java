package dev.coffer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line on standard error and an exit status, without a stack trace
 * (set COFFER_DEBUG=1 to see it). Messages name the file or field at fault and never carry content.
 */
final class Failures implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    if (System.getenv("COFFER_DEBUG") != null) {
      e.printStackTrace(cl.getErr());
    }
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    int status = statusOf(cause);
    String message = cause instanceof NoSuchFileException nsf
        ? "no such file: " + nsf.getFile()
        : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    cl.getErr().println("coffer: " + message);
    cl.getErr().flush();
    return status;
  }

  static int statusOf(Throwable t) {
    String type = t.getClass().getSimpleName();
    if (type.equals("NoArchiveException")) {
      return Coffer.NO_ARCHIVE;
    }
    if (type.equals("ExportRefusedException")) {
      return Coffer.REFUSED;
    }
    if (t instanceof IllegalArgumentException) {
      return Coffer.USAGE;
    }
    if (t instanceof IOException) {
      return Coffer.FAILED;
    }
    return Coffer.FAILED;
  }
}
