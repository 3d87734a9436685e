package io.infinispark.data.passkey;

import java.io.Serializable;

/**
 * One passkey example: what was asked for and what was made.
 *
 * @param requestedTokens the length asked for, in model tokens
 * @param tokens the example's actual length (within one filler sentence of the request)
 * @param depth where the needle sits, 0 (start) … 1 (end)
 * @param needleOffset token offset of the needle's first token
 * @param seed the seed the key was drawn from
 */
public record PasskeyExample(
    String id,
    long requestedTokens,
    double depth,
    String key,
    long seed,
    long tokens,
    long needleOffset)
    implements Serializable {}
