package io.infinispark.model;

import ai.djl.ndarray.NDArray;

/**
 * One layer's compressive memory for a batch: the associative matrix M (B, Hkv, dHead, dHead) and
 * the normalisation term z (B, Hkv, dHead, 1). Always float32.
 */
public record LayerMemory(NDArray memory, NDArray norm) {}
