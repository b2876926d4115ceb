package dev.coffer.web;

/** Ends a request with a 303 redirect to a path of this app. */
final class Redirect extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final String location;

  Redirect(String location) {
    super(location, null, false, false);
    if (!location.startsWith("/") || location.startsWith("//")) {
      throw new IllegalArgumentException("location: '" + location + "' is not a path of this app");
    }
    this.location = location;
  }
}
