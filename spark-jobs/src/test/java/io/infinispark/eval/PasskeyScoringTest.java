package io.infinispark.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasskeyScoringTest {
  @Test
  void theFirstIntegerDecides() {
    assertTrue(PasskeyScoring.correct(" 71432. Remember it.", "71432"));
    assertTrue(PasskeyScoring.correct("key:71432", "71432"));
    assertFalse(PasskeyScoring.correct(" 7143", "71432"), "a prefix of the key is not the key");
    assertFalse(PasskeyScoring.correct(" 714321", "71432"));
    assertFalse(PasskeyScoring.correct(" 12 then 71432", "71432"), "only the first integer counts");
    assertFalse(PasskeyScoring.correct(" the grass is green", "71432"));
    assertNull(PasskeyScoring.firstInteger("no digits"));
  }
}
