package dev.packbert.bench;

/**
 * What one variant spent where, summed over all its chunks (the profile that explains a missed
 * target).
 */
public final class VariantTimes {
  long planNanos;
  long maskNanos;
  long graphNanos;
  long unpackNanos;
  long realTokens;
  long slots;
  long sentences;
  int batches;
  double usefulFlops;
  double peakRssMb;

  public double seconds() {
    return (planNanos + maskNanos + graphNanos + unpackNanos) / 1e9;
  }

  public double sentencesPerSecond() {
    return sentences / seconds();
  }

  public double realTokensPerSecond() {
    return realTokens / seconds();
  }

  public double paddingEfficiency() {
    return (double) realTokens / slots;
  }

  public double planSeconds() {
    return planNanos / 1e9;
  }

  public double maskSeconds() {
    return maskNanos / 1e9;
  }

  public double graphSeconds() {
    return graphNanos / 1e9;
  }

  public double unpackSeconds() {
    return unpackNanos / 1e9;
  }
}
