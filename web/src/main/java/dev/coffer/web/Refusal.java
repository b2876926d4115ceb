package dev.coffer.web;

/** Stops a request with an HTTP status and a message for the person (never content or secrets). */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;

  Refusal(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static Refusal notFound() {
    // The same answer for "does not exist" and "exists but not for you": ids leak nothing.
    return new Refusal(404, "There is no such record, or you may not see it.");
  }

  static Refusal forbidden(String why) {
    return new Refusal(403, why);
  }
}
