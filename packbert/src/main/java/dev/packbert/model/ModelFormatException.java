package dev.packbert.model;

/** A model file or directory that cannot be used: the message names the file or tensor at fault. */
public class ModelFormatException extends RuntimeException {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
