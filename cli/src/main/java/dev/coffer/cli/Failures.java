package dev.coffer.cli;

import dev.coffer.archive.NoArchiveException;
import dev.coffer.connectors.whatsapp.export.ExportRefusedException;
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
    String message = cause instanceof NoSuchFileException nsf && !(cause instanceof NoArchiveException)
        ? "no such file: " + nsf.getFile()
        : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    cl.getErr().println("coffer: " + message);
    cl.getErr().flush();
    return status;
  }

  static int statusOf(Throwable t) {
    return switch (t) {
      case NoArchiveException e -> Coffer.NO_ARCHIVE;
      case CliSignIn.RefusedException e -> Coffer.NOT_AUTHENTICATED;
      case dev.coffer.archive.retention.RetentionViolationException e -> Coffer.REFUSED;
      case ExportRefusedException e -> e.status().code();
      case IllegalArgumentException e -> Coffer.USAGE;
      default -> Coffer.FAILED;
    };
  }
}
