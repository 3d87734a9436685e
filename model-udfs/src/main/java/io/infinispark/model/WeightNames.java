package io.infinispark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Tensor names and shapes of a model, in HuggingFace Llama naming so that Llama-architecture
 * checkpoints map onto our blocks by name. Linear weights are stored PyTorch-style as (out, in).
 * The one addition to Llama is {@code self_attn.memory_gate}: the per-head gate β.
 */
public final class WeightNames {
  public static final String EMBED = "model.embed_tokens.weight";
  public static final String FINAL_NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";
  public static final String GATE_SUFFIX = "self_attn.memory_gate";

  /** A tensor the model needs: its name and its shape. */
  public record Spec(String name, int[] shape) {}

  private WeightNames() {}

  public static String layer(int i, String suffix) {
    return "model.layers." + i + "." + suffix;
  }

  public static String q(int i) {
    return layer(i, "self_attn.q_proj.weight");
  }

  public static String k(int i) {
    return layer(i, "self_attn.k_proj.weight");
  }

  public static String v(int i) {
    return layer(i, "self_attn.v_proj.weight");
  }

  public static String o(int i) {
    return layer(i, "self_attn.o_proj.weight");
  }

  public static String gate(int i) {
    return layer(i, GATE_SUFFIX);
  }

  public static String attnNorm(int i) {
    return layer(i, "input_layernorm.weight");
  }

  public static String mlpNorm(int i) {
    return layer(i, "post_attention_layernorm.weight");
  }

  public static String mlpGate(int i) {
    return layer(i, "mlp.gate_proj.weight");
  }

  public static String mlpUp(int i) {
    return layer(i, "mlp.up_proj.weight");
  }

  public static String mlpDown(int i) {
    return layer(i, "mlp.down_proj.weight");
  }

  /** Every tensor a model of this config needs, in a stable order. */
  public static List<Spec> expected(ModelConfig c) {
    int d = c.dModel();
    int qWidth = c.nHeads() * c.dHead();
    int kvWidth = c.nKvHeads() * c.dHead();
    List<Spec> specs = new ArrayList<>();
    specs.add(new Spec(EMBED, new int[] {c.vocabSize(), d}));
    for (int i = 0; i < c.nLayers(); i++) {
      specs.add(new Spec(attnNorm(i), new int[] {d}));
      specs.add(new Spec(q(i), new int[] {qWidth, d}));
      specs.add(new Spec(k(i), new int[] {kvWidth, d}));
      specs.add(new Spec(v(i), new int[] {kvWidth, d}));
      specs.add(new Spec(o(i), new int[] {d, qWidth}));
      specs.add(new Spec(gate(i), new int[] {c.nHeads()}));
      specs.add(new Spec(mlpNorm(i), new int[] {d}));
      specs.add(new Spec(mlpGate(i), new int[] {c.ffnHidden(), d}));
      specs.add(new Spec(mlpUp(i), new int[] {c.ffnHidden(), d}));
      specs.add(new Spec(mlpDown(i), new int[] {d, c.ffnHidden()}));
    }
    specs.add(new Spec(FINAL_NORM, new int[] {d}));
    if (!c.tiedEmbeddings()) {
      specs.add(new Spec(LM_HEAD, new int[] {c.vocabSize(), d}));
    }
    return specs;
  }
}
