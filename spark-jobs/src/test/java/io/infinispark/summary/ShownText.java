package io.infinispark.summary;

/** What the tests of cleaned text ask of a shown sentence and its source. */
public final class ShownText {
  private ShownText() {}

  /**
   * Whether {@code shown} is {@code source} with characters dropped, none added or changed
   * (whitespace ignored: cleaning collapses it and reads a title's joining underscores as spaces).
   */
  public static boolean dropsOnly(String shown, String source) {
    String s = shown.replaceAll("\\s+", "");
    int j = 0;
    for (int i = 0; i < source.length() && j < s.length(); i++) {
      if (source.charAt(i) == s.charAt(j)) {
        j++;
      }
    }
    return j == s.length();
  }
}
