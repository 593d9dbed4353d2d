package dev.packbert.job;

/** A mistake in what the user asked for: printed as one line, exit code 2, no stack trace. */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}
