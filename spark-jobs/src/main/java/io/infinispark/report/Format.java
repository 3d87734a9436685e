package io.infinispark.report;

import java.util.Locale;

/** Human-readable numbers for the console. */
public final class Format {
  private Format() {}

  /** 1234 → "1,234"; 1234567 → "1.23M". */
  public static String count(long n) {
    if (Math.abs(n) >= 10_000_000) {
      return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }
    if (Math.abs(n) >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** 75_300 ms → "1m15s"; 4_200 ms → "4.2 s". */
  public static String duration(long millis) {
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  /**
   * {@code text} safe to print on a terminal: control characters (escape codes, newlines, NUL) as
   * \\uXXXX, so a document id cannot retitle the terminal, colour it or break a table.
   */
  public static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
