package dev.packbert.job;

/** A mistake in what the user asked for: printed as one line, exit code 2, no stack trace. */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  /**
   * A failure the user can act on (a storage error named by {@link StorageErrors}): the message is
   * the one line printed, the cause goes to the log at debug level.
   */
  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
