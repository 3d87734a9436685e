package io.infinispark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors file format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. Reads F32, F16 and BF16
 * into float32 host tensors; writes any of the three.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  /** Element types we read and write. */
  public enum Dtype {
    F32(4),
    F16(2),
    BF16(2);

    final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }
  }

  private Safetensors() {}

  public static Map<String, HostTensor> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new IOException(file + ": truncated safetensors file (" + fileSize + " bytes)");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > fileSize) {
        throw new IOException(file + ": bad safetensors header length " + headerLength);
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + headerLength;
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        if (!e.getKey().equals("__metadata__")) {
          tensors.put(e.getKey(), readTensor(file, channel, e.getKey(), e.getValue(), dataStart));
        }
      }
      return tensors;
    }
  }

  private static HostTensor readTensor(
      Path file, FileChannel channel, String name, JsonNode spec, long dataStart)
      throws IOException {
    Dtype dtype;
    try {
      dtype = Dtype.valueOf(spec.path("dtype").asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file
              + ": tensor "
              + name
              + " has dtype "
              + spec.path("dtype").asText()
              + "; supported: F32, F16, BF16");
    }
    int[] shape = new int[spec.path("shape").size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = spec.path("shape").get(i).asInt();
      count *= shape[i];
    }
    long begin = spec.path("data_offsets").get(0).asLong();
    long end = spec.path("data_offsets").get(1).asLong();
    if (end - begin != count * dtype.bytes) {
      throw new IOException(
          file
              + ": tensor "
              + name
              + " declares "
              + (end - begin)
              + " bytes but its shape "
              + java.util.Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + count * dtype.bytes);
    }
    if (dataStart + end > channel.size()) {
      throw new IOException(
          file
              + ": truncated: tensor "
              + name
              + " ends at byte "
              + (dataStart + end)
              + " but the file has "
              + channel.size());
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IOException(file + ": tensor " + name + " has " + count + " values; too large");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, dataStart + begin + bytes.position()) < 0) {
        throw new IOException(file + ": unexpected end of file in tensor " + name);
      }
    }
    bytes.flip();
    float[] data = new float[(int) count];
    for (int i = 0; i < data.length; i++) {
      data[i] =
          switch (dtype) {
            case F32 -> bytes.getFloat();
            case F16 -> halfToFloat(bytes.getShort());
            case BF16 -> Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
          };
    }
    return new HostTensor(shape, data);
  }

  public static void write(Path file, Map<String, HostTensor> tensors, Dtype dtype)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      ObjectNode spec = header.putObject(e.getKey());
      spec.put("dtype", dtype.name());
      ArrayNode shape = spec.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      long size = (long) e.getValue().data().length * dtype.bytes;
      spec.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned, as the spec advises
    byte[] headerBytes = java.util.Arrays.copyOf(json, padded);
    java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    try (OutputStream out =
        new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      for (HostTensor t : tensors.values()) {
        ByteBuffer buffer =
            ByteBuffer.allocate(t.data().length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.data()) {
          switch (dtype) {
            case F32 -> buffer.putFloat(v);
            case F16 -> buffer.putShort(floatToHalf(v));
            case BF16 -> buffer.putShort(toBfloat16(v));
          }
        }
        out.write(buffer.array());
      }
    }
  }

  /** IEEE binary16 → float32 (exact). */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign != 0 ? -subnormal : subnormal;
    }
    if (exponent == 31) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  /** float32 → IEEE binary16, round to nearest even; too large becomes ±∞. */
  static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int magnitude = bits & 0x7FFFFFFF;
    if (magnitude >= 0x7F800000) { // ∞ or NaN
      return (short) (sign | 0x7C00 | (magnitude > 0x7F800000 ? 0x200 : 0));
    }
    if (magnitude >= 0x477FF000) { // rounds to ≥ 65520: overflow
      return (short) (sign | 0x7C00);
    }
    if (magnitude < 0x38800000) { // below 2^-14: subnormal half, in units of 2^-24
      return (short) (sign | (int) Math.rint(Math.abs((double) value) * 0x1p24));
    }
    int rounded = magnitude + 0x0FFF + ((magnitude >>> 13) & 1);
    return (short) (sign | ((rounded - 0x38000000) >>> 13));
  }

  /** float32 → bfloat16 with round-to-nearest-even (NaN stays NaN). */
  static short toBfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
