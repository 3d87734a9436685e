package io.infinispark.eval;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The passkey harness's rule: the answer is right when the first integer generated is the key. */
public final class PasskeyScoring {
  private static final Pattern INTEGER = Pattern.compile("\\d+");

  private PasskeyScoring() {}

  /** The first run of digits in the text, or null. */
  public static String firstInteger(String generated) {
    Matcher m = INTEGER.matcher(generated);
    return m.find() ? m.group() : null;
  }

  public static boolean correct(String generated, String key) {
    return key.equals(firstInteger(generated));
  }
}
