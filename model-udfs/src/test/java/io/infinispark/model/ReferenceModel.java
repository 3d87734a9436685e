package io.infinispark.model;

import java.util.Arrays;

/**
 * A plain-Java float64 Infini-attention Transformer for one document, written from the paper's
 * equations with loops and no shared code with the DJL path, so the two can check each other.
 */
final class ReferenceModel {
  static final double EPS = 1e-6;

  private final ModelConfig c;
  private final ModelWeights w;

  /** false: a plain Llama forward, with no memory and no gate at all. */
  private final boolean withMemory;

  /** memory[layer][kvHead][r][col] and norm[layer][kvHead][r]. */
  final double[][][][] memory;

  final double[][][] norm;

  ReferenceModel(ModelWeights weights) {
    this(weights, true);
  }

  ReferenceModel(ModelWeights weights, boolean withMemory) {
    this.c = weights.config();
    this.w = weights;
    this.withMemory = withMemory;
    this.memory = new double[c.nLayers()][c.nKvHeads()][c.dHead()][c.dHead()];
    this.norm = new double[c.nLayers()][c.nKvHeads()][c.dHead()];
  }

  /** Reads one segment of {@code length} real tokens; returns logits [T][V]. */
  double[][] step(int[] tokens) {
    int t = tokens.length;
    double[][] x = new double[t][];
    for (int i = 0; i < t; i++) {
      x[i] = row(WeightNames.EMBED, tokens[i]);
    }
    for (int layer = 0; layer < c.nLayers(); layer++) {
      double[][] attended = attention(layer, rmsNorm(x, WeightNames.attnNorm(layer)));
      x = add(x, attended);
      x = add(x, mlp(layer, rmsNorm(x, WeightNames.mlpNorm(layer))));
    }
    double[][] h = rmsNorm(x, WeightNames.FINAL_NORM);
    String out = c.tiedEmbeddings() ? WeightNames.EMBED : WeightNames.LM_HEAD;
    return linear(h, out);
  }

  /** One Infini-attention layer on normalised input xn [T][D]; updates this layer's memory. */
  double[][] attention(int layer, double[][] xn) {
    int t = xn.length;
    int d = c.dHead();
    double[][] q = linear(xn, WeightNames.q(layer));
    double[][] k = linear(xn, WeightNames.k(layer));
    double[][] v = linear(xn, WeightNames.v(layer));
    double[] beta = vector(WeightNames.gate(layer));
    double[][] merged = new double[t][c.nHeads() * d];
    double[][][] nextMemory = new double[c.nKvHeads()][][];
    double[][] nextNorm = new double[c.nKvHeads()][];
    for (int kv = 0; kv < c.nKvHeads(); kv++) {
      double[][] m = memory[layer][kv];
      double[] z = norm[layer][kv];
      double[][] kh = slice(k, kv, d);
      double[][] vh = slice(v, kv, d);
      // write: done after every query head of this group has read the old memory
      double[][] m2 = copy(m);
      double[] z2 = z.clone();
      for (int s = 0; s < t; s++) {
        double[] key = kh[s].clone(); // the key this token writes under
        for (int col = 0; s > 0 && col < d; col++) {
          key[col] += c.memoryKeyShift() * kh[s - 1][col];
        }
        double[] sk = sigma(key);
        double[] written = vh[s].clone();
        if (c.memoryRule() == MemoryRule.DELTA) {
          double[] known = read(sk, m, z);
          for (int col = 0; col < d; col++) {
            written[col] -= known[col];
          }
        }
        for (int r = 0; r < d; r++) {
          z2[r] += sk[r];
          for (int col = 0; col < d; col++) {
            m2[r][col] += sk[r] * written[col];
          }
        }
      }
      nextMemory[kv] = m2;
      nextNorm[kv] = z2;
      for (int g = 0; g < c.kvGroups(); g++) {
        int head = kv * c.kvGroups() + g;
        double[][] qh = slice(q, head, d);
        double gate = 1 / (1 + Math.exp(-beta[head]));
        double[][] local = localAttention(rope(qh), rope(kh), vh);
        for (int s = 0; s < t; s++) {
          if (!withMemory) {
            System.arraycopy(local[s], 0, merged[s], head * d, d);
            continue;
          }
          double[] fromMemory = read(sigma(qh[s]), m, z);
          for (int col = 0; col < d; col++) {
            merged[s][head * d + col] = gate * fromMemory[col] + (1 - gate) * local[s][col];
          }
        }
      }
    }
    memory[layer] = nextMemory;
    norm[layer] = nextNorm;
    return linear(merged, WeightNames.o(layer));
  }

  /** σ(q) M / (σ(q) z + EPS) for one query. */
  private double[] read(double[] sq, double[][] m, double[] z) {
    int d = sq.length;
    double denominator = EPS;
    for (int r = 0; r < d; r++) {
      denominator += sq[r] * z[r];
    }
    double[] out = new double[d];
    for (int col = 0; col < d; col++) {
      double sum = 0;
      for (int r = 0; r < d; r++) {
        sum += sq[r] * m[r][col];
      }
      out[col] = sum / denominator;
    }
    return out;
  }

  private double[][] localAttention(double[][] q, double[][] k, double[][] v) {
    int t = q.length;
    int d = q[0].length;
    double[][] out = new double[t][d];
    for (int i = 0; i < t; i++) {
      double[] scores = new double[i + 1];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j <= i; j++) {
        double dot = 0;
        for (int e = 0; e < d; e++) {
          dot += q[i][e] * k[j][e];
        }
        scores[j] = dot / Math.sqrt(d);
        max = Math.max(max, scores[j]);
      }
      double total = 0;
      for (int j = 0; j <= i; j++) {
        scores[j] = Math.exp(scores[j] - max);
        total += scores[j];
      }
      for (int j = 0; j <= i; j++) {
        for (int e = 0; e < d; e++) {
          out[i][e] += scores[j] / total * v[j][e];
        }
      }
    }
    return out;
  }

  private double[][] rope(double[][] x) {
    int d = x[0].length;
    int half = d / 2;
    double[][] out = new double[x.length][d];
    for (int pos = 0; pos < x.length; pos++) {
      for (int i = 0; i < half; i++) {
        double angle = pos * Math.pow(c.ropeTheta(), -2.0 * i / d);
        double a = x[pos][i];
        double b = x[pos][i + half];
        out[pos][i] = a * Math.cos(angle) - b * Math.sin(angle);
        out[pos][i + half] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
    return out;
  }

  private double[][] mlp(int layer, double[][] x) {
    double[][] gate = linear(x, WeightNames.mlpGate(layer));
    double[][] up = linear(x, WeightNames.mlpUp(layer));
    for (int i = 0; i < gate.length; i++) {
      for (int j = 0; j < gate[i].length; j++) {
        double g = gate[i][j];
        gate[i][j] = g / (1 + Math.exp(-g)) * up[i][j];
      }
    }
    return linear(gate, WeightNames.mlpDown(layer));
  }

  private double[][] rmsNorm(double[][] x, String weightName) {
    double[] weight = vector(weightName);
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double meanSquare = 0;
      for (double value : x[i]) {
        meanSquare += value * value;
      }
      meanSquare /= x[i].length;
      double inverse = 1 / Math.sqrt(meanSquare + c.normEps());
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = x[i][j] * inverse * weight[j];
      }
    }
    return out;
  }

  /** x [T][in] · Wᵀ for a PyTorch-layout weight W (out, in). */
  private double[][] linear(double[][] x, String weightName) {
    HostTensor weight = w.tensor(weightName);
    int out = weight.shape()[0];
    int in = weight.shape()[1];
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double sum = 0;
        for (int j = 0; j < in; j++) {
          sum += x[i][j] * weight.data()[o * in + j];
        }
        y[i][o] = sum;
      }
    }
    return y;
  }

  private static double[] sigma(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] > 0 ? x[i] + 1 : Math.exp(x[i]);
    }
    return out;
  }

  private double[] row(String name, int index) {
    HostTensor t = w.tensor(name);
    int width = t.shape()[1];
    double[] out = new double[width];
    for (int j = 0; j < width; j++) {
      out[j] = t.data()[index * width + j];
    }
    return out;
  }

  private double[] vector(String name) {
    float[] data = w.tensor(name).data();
    double[] out = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[i];
    }
    return out;
  }

  private static double[][] slice(double[][] x, int head, int d) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Arrays.copyOfRange(x[i], head * d, (head + 1) * d);
    }
    return out;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = a[i][j] + b[i][j];
      }
    }
    return out;
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }
}
