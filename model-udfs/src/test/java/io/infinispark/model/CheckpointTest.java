package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  private final Random random = new Random();

  @Test
  void everyHalfPrecisionValueDecodesExactlyAndReencodesToItself() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      int exponent = (bits >>> 10) & 0x1F;
      int mantissa = bits & 0x3FF;
      double expected =
          exponent == 0
              ? mantissa * Math.pow(2, -24)
              : exponent == 31
                  ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                  : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
      if ((bits & 0x8000) != 0) {
        expected = -expected;
      }
      float decoded = Safetensors.halfToFloat((short) bits);
      if (Double.isNaN(expected)) {
        assertTrue(Float.isNaN(decoded));
      } else {
        assertEquals(expected, decoded, 0.0, "half 0x" + Integer.toHexString(bits));
        assertEquals((short) bits, Safetensors.floatToHalf(decoded));
      }
    }
  }

  @Test
  void floatToHalfPicksTheNearestHalf() {
    for (int i = 0; i < 100_000; i++) {
      float value = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(10) - 6));
      double rounded = Safetensors.halfToFloat(Safetensors.floatToHalf(value));
      short h = Safetensors.floatToHalf(value);
      for (int neighbour : new int[] {h - 1, h + 1}) {
        double other = Safetensors.halfToFloat((short) neighbour);
        if (!Double.isNaN(other) && Math.signum(other) == Math.signum(rounded)) {
          assertTrue(Math.abs(value - rounded) <= Math.abs(value - other), "for " + value);
        }
      }
    }
  }

  @Test
  void checkpointRoundTripsExactlyInF32AndWithinRoundingInF16AndBf16(@TempDir Path dir)
      throws IOException {
    ModelWeights weights = TestModels.randomWeights(TestModels.tinyGqa(MemoryRule.LINEAR), random);
    Checkpoint.save(weights, dir.resolve("f32"), Safetensors.Dtype.F32);
    ModelWeights back = Checkpoint.load(dir.resolve("f32"));
    assertEquals(weights.config(), back.config());
    assertEquals(weights.tensors(), back.tensors());
    for (Safetensors.Dtype dtype :
        new Safetensors.Dtype[] {Safetensors.Dtype.F16, Safetensors.Dtype.BF16}) {
      Checkpoint.save(weights, dir.resolve(dtype.name()), dtype);
      ModelWeights lossy = Checkpoint.load(dir.resolve(dtype.name()));
      double tolerance = dtype == Safetensors.Dtype.F16 ? 1.0 / 1024 : 1.0 / 128;
      for (String name : weights.tensors().keySet()) {
        float[] a = weights.tensor(name).data();
        float[] b = lossy.tensor(name).data();
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], Math.abs(a[i]) * tolerance + 1e-7, name);
        }
      }
    }
  }

  @Test
  void missingTensorWrongShapeTruncatedFileAndUnknownDtypeFailWithTheTensorNamed(@TempDir Path dir)
      throws IOException {
    ModelWeights weights = TestModels.randomWeights(TestModels.tiny(MemoryRule.DELTA), random);
    Map<String, HostTensor> missing = new LinkedHashMap<>(weights.tensors());
    missing.remove(WeightNames.v(1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ModelWeights(weights.config(), missing, "x"));
    assertTrue(e.getMessage().contains("missing tensor model.layers.1.self_attn.v_proj.weight"));
    assertTrue(e.getMessage().contains("[16, 16]"), e.getMessage());

    Map<String, HostTensor> wrong = new LinkedHashMap<>(weights.tensors());
    wrong.put(WeightNames.q(0), new HostTensor(new int[] {16, 8}, new float[128]));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new ModelWeights(weights.config(), wrong, "x"));
    assertTrue(
        e.getMessage().contains("q_proj.weight has shape [16, 8], expected [16, 16]"),
        e.getMessage());

    Path saved = dir.resolve("model");
    Checkpoint.save(weights, saved, Safetensors.Dtype.F32);
    Path file = saved.resolve(Checkpoint.WEIGHTS);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 100);
    }
    IOException io = assertThrows(IOException.class, () -> Checkpoint.load(saved));
    assertTrue(io.getMessage().contains("truncated: tensor"), io.getMessage());

    Files.writeString(file, "");
    io = assertThrows(IOException.class, () -> Checkpoint.load(saved));
    assertTrue(io.getMessage().contains("truncated safetensors file"), io.getMessage());

    byte[] header = "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes();
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.allocate(8 + header.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(header.length).put(header).putLong(0);
    Files.write(file, buffer.array());
    io = assertThrows(IOException.class, () -> Safetensors.read(file));
    assertTrue(io.getMessage().contains("tensor w has dtype I64"), io.getMessage());
  }

  @Test
  void theBundledModelsAreTrainedWeightsOfTheInitDirectorysShape() throws IOException {
    ModelWeights init = Checkpoint.load(Path.of("models/init"));
    assertTrue(init.isRandomInit(), init.provenance());
    assertEquals(
        init.tensor(WeightNames.q(3)),
        ModelWeights.randomInit(init.config(), 20261123).tensor(WeightNames.q(3)));
    ModelWeights base = Checkpoint.load(Path.of("models/base"));
    ModelWeights trained = Checkpoint.load(Path.of("models/default"));
    assertEquals(init.config(), base.config());
    // Phase 1 of the default set every gate to β = 2 (train --reset-gates 2), which the config
    // records as gate_init; nothing else of the shape changed.
    assertEquals(init.config().withGateInit(2.0), trained.config());
    assertEquals(5_507_360, trained.config().parameterCount());
    for (ModelWeights w : List.of(base, trained)) {
      assertTrue(!w.isRandomInit(), w.provenance());
      assertTrue(
          !Arrays.equals(init.tensor(WeightNames.q(3)).data(), w.tensor(WeightNames.q(3)).data()),
          "trained weights are not the initialisation");
    }
    assertTrue(
        !Arrays.equals(
            base.tensor(WeightNames.q(3)).data(), trained.tensor(WeightNames.q(3)).data()),
        "the default is not models/base");
  }
}
