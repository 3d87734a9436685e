package io.infinispark.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2 style), stored as a HuggingFace {@code tokenizer.json}, so the same file
 * works here, in DJL's HuggingFace tokenizer and in Python's {@code tokenizers}. Encoding is pure
 * Java, deterministic and lossless: {@code decode(encode(s)).equals(s)} for every string.
 * Thread-safe; one instance serves every task of an executor.
 */
public final class BpeTokenizer implements TextTokenizer {
  public static final String END_OF_TEXT = "<|endoftext|>";
  private static final int CACHE_LIMIT = 200_000;

  private static final int CACHED_PIECE_CHARS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String[] idToToken;
  private final Map<String, Integer> tokenToId;

  /** (left id, right id) packed in a long → rank of that merge; lower merges first. */
  private final Map<Long, Integer> mergeRanks;

  private final Map<Long, Integer> mergeResults;

  /** Token id of each single byte's alphabet character (−1 when the vocab lacks it). */
  private final int[] byteIds = new int[256];

  /** Added tokens (like end-of-text) decode to their literal text. */
  private final boolean[] literal;

  private transient Map<String, int[]> cache;

  BpeTokenizer(String[] idToToken, List<String[]> merges, java.util.Set<Integer> addedTokens) {
    this.idToToken = idToToken.clone();
    this.tokenToId = new HashMap<>();
    for (int id = 0; id < idToToken.length; id++) {
      tokenToId.put(idToToken[id], id);
    }
    for (int b = 0; b < 256; b++) {
      byteIds[b] = tokenToId.getOrDefault(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]), -1);
    }
    this.literal = new boolean[idToToken.length];
    addedTokens.forEach(id -> literal[id] = true);
    this.mergeRanks = new HashMap<>();
    this.mergeResults = new HashMap<>();
    for (int rank = 0; rank < merges.size(); rank++) {
      String[] pair = merges.get(rank);
      Integer left = tokenToId.get(pair[0]);
      Integer right = tokenToId.get(pair[1]);
      Integer merged = tokenToId.get(pair[0] + pair[1]);
      if (left == null || right == null || merged == null) {
        throw new IllegalArgumentException(
            "merge " + rank + " (" + pair[0] + " " + pair[1] + ") uses a token not in the vocab");
      }
      mergeRanks.putIfAbsent(pack(left, right), rank);
      mergeResults.putIfAbsent(pack(left, right), merged);
    }
  }

  public int vocabSize() {
    return idToToken.length;
  }

  public int endOfTextId() {
    Integer id = tokenToId.get(END_OF_TEXT);
    if (id == null) {
      throw new IllegalStateException("tokenizer has no " + END_OF_TEXT + " token");
    }
    return id;
  }

  public int[] encode(String text) {
    IntBuffer out = new IntBuffer(text.length() / 3 + 16);
    for (String piece : ByteLevel.pieces(text)) {
      out.addAll(encodePiece(piece));
    }
    return out.toArray();
  }

  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      if (id < 0 || id >= idToToken.length) {
        throw new IllegalArgumentException(
            "token id " + id + " outside [0, " + idToToken.length + ")");
      }
      String token = idToToken[id];
      if (literal[id]) {
        bytes.writeBytes(token.getBytes(StandardCharsets.UTF_8));
        continue;
      }
      for (int i = 0; i < token.length(); i++) {
        bytes.write(ByteLevel.CHAR_TO_BYTE[token.charAt(i)]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int[] tokenEnds(String text, int[] ids) {
    // the UTF-16 offset reached after each UTF-8 byte of the text
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int[] charAfterByte = new int[utf8.length + 1];
    int bytePosition = 0;
    for (int c = 0; c < text.length(); ) {
      int codePoint = text.codePointAt(c);
      int width = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      for (int k = 1; k < width; k++) {
        charAfterByte[bytePosition + k] = c;
      }
      c += Character.charCount(codePoint);
      bytePosition += width;
      charAfterByte[bytePosition] = c;
    }
    int[] ends = new int[ids.length];
    int consumed = 0;
    for (int i = 0; i < ids.length; i++) {
      String token = idToToken[ids[i]];
      consumed += literal[ids[i]] ? token.getBytes(StandardCharsets.UTF_8).length : token.length();
      if (consumed > utf8.length) {
        throw new IllegalArgumentException("the ids are not the encoding of this text");
      }
      ends[i] = charAfterByte[consumed];
    }
    return ends;
  }

  /** Applies merges to one pre-tokenized piece, lowest rank first, as BPE is defined. */
  private int[] encodePiece(String piece) {
    Map<String, int[]> memo = cache();
    int[] cached = memo.get(piece);
    if (cached != null) {
      return cached;
    }
    byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[utf8.length];
    int n = utf8.length;
    for (int i = 0; i < n; i++) {
      ids[i] = byteIds[utf8[i] & 0xFF];
      if (ids[i] < 0) {
        throw new IllegalArgumentException(
            "tokenizer has no token for byte 0x" + Integer.toHexString(utf8[i] & 0xFF));
      }
    }
    int[] result = merge(ids);
    if (piece.length() <= CACHED_PIECE_CHARS) { // words recur; a space-less run of a book does not
      if (memo.size() > CACHE_LIMIT) {
        memo.clear();
      }
      memo.put(piece, result);
    }
    return result;
  }

  /**
   * Merges pairs lowest rank first, leftmost first among equal ranks, in O(n log n): the tokens
   * form a linked list and candidate pairs wait in a heap keyed (rank, position); an entry whose
   * pair has since changed is skipped when it comes up. (A scan of the whole piece per merge made
   * space-less runs of letters quadratic: 66 s for 2 MB.) Merging one pair can only create pairs of
   * higher rank, as BPE learns merges in order, so this equals merging every occurrence of the best
   * pair left to right, round after round.
   */
  private int[] merge(int[] ids) {
    int n = ids.length;
    int[] next = new int[n];
    int[] prev = new int[n];
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    PriorityQueue<Long> candidates = new PriorityQueue<>();
    for (int i = 0; i + 1 < n; i++) {
      offer(candidates, ids, i, i + 1);
    }
    int remaining = n;
    while (!candidates.isEmpty()) {
      long top = candidates.poll();
      int at = (int) top;
      int right = next[at];
      if (prev[at] == -2 || right < 0) {
        continue; // merged away, or now at the end
      }
      Integer rank = mergeRanks.get(pack(ids[at], ids[right]));
      if (rank == null || rank != (int) (top >>> 32)) {
        continue; // the pair here changed since this entry was made
      }
      ids[at] = mergeResults.get(pack(ids[at], ids[right]));
      next[at] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = at;
      }
      prev[right] = -2;
      remaining--;
      if (prev[at] >= 0) {
        offer(candidates, ids, prev[at], at);
      }
      if (next[at] >= 0) {
        offer(candidates, ids, at, next[at]);
      }
    }
    int[] out = new int[remaining];
    for (int i = 0, w = 0; i >= 0 && w < remaining; i = next[i]) {
      out[w++] = ids[i];
    }
    return out;
  }

  private void offer(PriorityQueue<Long> candidates, int[] ids, int left, int right) {
    Integer rank = mergeRanks.get(pack(ids[left], ids[right]));
    if (rank != null) {
      candidates.add(((long) rank << 32) | left);
    }
  }

  private Map<String, int[]> cache() {
    Map<String, int[]> c = cache;
    if (c == null) {
      c = new ConcurrentHashMap<>();
      cache = c;
    }
    return c;
  }

  static long pack(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /**
   * The same vocabulary without the merges that join digits, so every number is spelled one digit
   * per token (as Llama and PaLM do). Copying a number (a passkey) then means copying ten symbols
   * in order, not recognising each of the hundreds of digit groups this BPE learnt from dates and
   * versions. The ids of the unused digit-group tokens stay, so a model's embedding still fits.
   */
  public BpeTokenizer withoutDigitMerges() {
    List<Map.Entry<Long, Integer>> byRank = new ArrayList<>(mergeRanks.entrySet());
    byRank.sort(Map.Entry.comparingByValue());
    List<String[]> kept = new ArrayList<>();
    Set<Integer> added = new HashSet<>();
    for (int id = 0; id < literal.length; id++) {
      if (literal[id]) {
        added.add(id);
      }
    }
    for (Map.Entry<Long, Integer> merge : byRank) {
      long pair = merge.getKey();
      String left = idToToken[(int) (pair >>> 32)];
      String right = idToToken[(int) pair];
      if (!DIGIT_GROUP.matcher(left + right).matches()) {
        kept.add(new String[] {left, right});
      }
    }
    return new BpeTokenizer(idToToken, kept, added);
  }

  /** Two or more ASCII digits, optionally after the byte-level space 'Ġ'. */
  private static final Pattern DIGIT_GROUP = Pattern.compile("\u0120?[0-9]{2,}");

  /** Writes a HuggingFace tokenizer.json (BPE model, ByteLevel pre-tokenizer and decoder). */
  public void save(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < idToToken.length; id++) {
      if (!literal[id]) {
        continue;
      }
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", idToToken[id]);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(false, true));
    root.putNull("post_processor");
    root.set("decoder", byteLevel(true, true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < idToToken.length; id++) {
      if (!literal[id]) {
        vocab.put(idToToken[id], id);
      }
    }
    ArrayNode merges = model.putArray("merges");
    List<Map.Entry<Long, Integer>> byRank = new ArrayList<>(mergeRanks.entrySet());
    byRank.sort(Map.Entry.comparingByValue());
    for (Map.Entry<Long, Integer> merge : byRank) {
      long pair = merge.getKey();
      merges.add(idToToken[(int) (pair >>> 32)] + " " + idToToken[(int) pair]);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", addPrefixSpace);
    node.put("trim_offsets", trimOffsets);
    node.put("use_regex", true);
    return node;
  }

  /** Reads a byte-level BPE tokenizer.json (ours, or GPT-2 / Llama-3 style ones). */
  public static BpeTokenizer load(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(
          file + ": model.type is '" + model.path("type").asText() + "', expected BPE");
    }
    Map<Integer, String> byId = new LinkedHashMap<>();
    model.path("vocab").fields().forEachRemaining(e -> byId.put(e.getValue().asInt(), e.getKey()));
    java.util.Set<Integer> added = new java.util.HashSet<>();
    for (JsonNode t : root.path("added_tokens")) {
      byId.put(t.path("id").asInt(), t.path("content").asText());
      added.add(t.path("id").asInt());
    }
    String[] idToToken = new String[byId.size()];
    for (Map.Entry<Integer, String> e : byId.entrySet()) {
      if (e.getKey() < 0 || e.getKey() >= idToToken.length) {
        throw new IllegalArgumentException(
            file + ": token ids are not 0.." + (idToToken.length - 1));
      }
      idToToken[e.getKey()] = e.getValue();
    }
    List<String[]> merges = new ArrayList<>();
    for (JsonNode merge : model.path("merges")) {
      merges.add(
          merge.isArray()
              ? new String[] {merge.get(0).asText(), merge.get(1).asText()}
              : merge.asText().split(" ", 2));
    }
    for (int id = 0; id < idToToken.length; id++) {
      if (idToToken[id] == null) {
        throw new IllegalArgumentException(file + ": no token has id " + id);
      }
    }
    return new BpeTokenizer(idToToken, merges, added);
  }

  /** A growable int array. */
  private static final class IntBuffer {
    private int[] data;
    private int size;

    IntBuffer(int capacity) {
      data = new int[Math.max(16, capacity)];
    }

    void addAll(int[] values) {
      if (size + values.length > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + values.length));
      }
      System.arraycopy(values, 0, data, size, values.length);
      size += values.length;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }
}
