package io.infinispark.pipeline;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import io.infinispark.data.RunTable;
import io.infinispark.data.Tables;
import io.infinispark.model.InfiniTransformer;
import io.infinispark.model.MemoryMode;
import io.infinispark.model.ModelWeights;
import io.infinispark.model.Recurrence;
import io.infinispark.model.SegmentInput;
import io.infinispark.model.SegmentScore;
import io.infinispark.runtime.DevicePolicy;
import io.infinispark.runtime.ExecutorModels;
import io.infinispark.runtime.RecurOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * segments → segment scores: every document's segments in order through the model, its memory
 * carried from segment to segment and reset between documents.
 *
 * <p>Documents are grouped into batches of {@code lanes} (longest first, so a batch's documents are
 * of similar length and padding is small). A batch lives in one partition, sorted by (batch,
 * segment, document), so a task streams it: segment 0 of every document in the batch as one step,
 * then segment 1, and so on. Batch membership depends only on the documents, never on how Spark
 * partitions the work, so the numbers are the same with any number of partitions.
 */
public record RecurStage(
    Broadcast<ModelWeights> weights,
    RecurOptions options,
    MemoryMode memory,
    long commitTokens,
    Progress progress,
    RunStates states,
    String modelId)
    implements Stage {
  public static final StructType STAGED = Tables.withError(Tables.SEGMENT_METRICS);

  /**
   * Tests only: a directory where recur's first task, once it has read a segment, writes its
   * process id ({@code recur-task-pid}) and then waits — so a test can kill that executor in the
   * middle of recur. Only the first such task of the run stalls, in the part (see {@link #parts})
   * {@link #STALL_FROM_PART} names or a later one.
   */
  public static final String STALL_FOR_TESTS = "spark.infinispark.test.stallRecurIn";

  public static final String STALL_FROM_PART = "spark.infinispark.test.stallRecurFromPart";

  /**
   * For benchmarks only: {@code range} plans recur's tasks the earlier way (consecutive batch ids
   * per task, so the longest books share the first task), to measure what longest-first gains.
   */
  public static final String PLAN_FOR_COMPARISON = "spark.infinispark.recur.plan";

  /** Without memory-state checkpoints. */
  public RecurStage(
      Broadcast<ModelWeights> weights,
      RecurOptions options,
      MemoryMode memory,
      long commitTokens,
      Progress progress) {
    this(weights, options, memory, commitTokens, progress, null, "");
  }

  /**
   * Counters the driver's progress line reads while tasks run, and which executors (id and process)
   * ran recur tasks: on a cluster, the JVMs the weights reached by broadcast.
   */
  public record Counters(
      LongAccumulator segments,
      LongAccumulator tokens,
      LongAccumulator documents,
      LongAccumulator restored,
      CollectionAccumulator<String> executors,
      CollectionAccumulator<String> tasks)
      implements java.io.Serializable {}

  @Override
  public String name() {
    return memory == MemoryMode.RESET ? "recur-reset" : "recur";
  }

  /** A resumed run keeps the documents an interrupted one already read (see {@link #parts}). */
  @Override
  public boolean resumable() {
    return true;
  }

  /** Every document in one part. */
  @Override
  public StageOutput run(RunTables tables) {
    return parts(tables, Long.MAX_VALUE).next();
  }

  /**
   * The documents in parts of about {@code commitTokens} tokens (whole batches, longest first),
   * each written before the next is read: a run killed mid-recur keeps every part it finished, and
   * a resumed one reads only the documents that are neither in this stage's table nor in its error
   * rows. Batches are formed over all documents first, so a resumed run reads each document with
   * the same lane-mates, and gives the same numbers, as an uninterrupted one.
   */
  @Override
  public Iterator<StageOutput> parts(RunTables tables) {
    return parts(tables, commitTokens);
  }

  private Iterator<StageOutput> parts(RunTables tables, long tokensPerPart) {
    Dataset<Row> segments = tables.read(RunTable.SEGMENTS);
    int lanes = options.resolveLanes(segments.sparkSession().sparkContext().getConf());
    Dataset<Row> batches = batches(segments, lanes).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> todo = segments.join(broadcast(batches), "doc_id");
    Dataset<Row> done = alreadyRead(tables);
    if (done != null) {
      todo = todo.join(done, todo.col("doc_id").equalTo(done.col("doc_id")), "left_anti");
    }
    List<Row> sizes =
        todo.groupBy("batch_id")
            .agg(
                count(lit(1)),
                sum(col("n_segments").equalTo(col("seg_idx").plus(1)).cast("long")),
                sum(functions.size(col("tokens")).cast("long")))
            .orderBy("batch_id")
            .collectAsList();
    Counters counters =
        progress.startRecur(
            sizes.stream().mapToLong(r -> r.getLong(1)).sum(),
            sizes.stream().mapToLong(r -> r.getLong(2)).sum(),
            sizes.stream().mapToLong(r -> r.getLong(3)).sum());
    List<List<Row>> waves = waves(sizes, tokensPerPart);
    Dataset<Row> remaining = todo;
    RecurOptions resolved = options.withLanes(lanes);
    return new Iterator<>() {
      int next = 0;

      @Override
      public boolean hasNext() {
        return next < waves.size();
      }

      @Override
      public StageOutput next() {
        List<Row> wave = waves.get(next++);
        StageOutput output =
            StageOutput.split(
                RunTable.segmentMetrics(memory),
                scores(remaining, wave, resolved, counters, next - 1),
                name());
        boolean last = next == waves.size();
        return output.afterWrite(
            () -> figures(counters),
            () -> {
              if (last) {
                progress.endRecur();
                batches.unpersist();
                if (states != null) {
                  states.finish(); // every score is in the table now
                }
              }
            });
      }
    };
  }

  private static Map<String, Object> figures(Counters counters) {
    return Map.of(
        "segments_read",
        counters.segments().value(),
        "tokens_read",
        counters.tokens().value(),
        "segments_restored",
        counters.restored().value(),
        "executors",
        new java.util.TreeSet<>(counters.executors().value()),
        "tasks",
        taskFigures(counters.tasks().value()));
  }

  /**
   * Each finished recur task: where it ran, its part and partition, tokens and wall time — what the
   * report's throughput and skew figures and {@code bench-cluster} read.
   */
  private static List<Map<String, Object>> taskFigures(List<String> tasks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String t : tasks) {
      String[] f = t.split("\t");
      out.add(
          Map.of(
              "executor", f[0],
              "part", Integer.parseInt(f[1]),
              "partition", Integer.parseInt(f[2]),
              "tokens", Long.parseLong(f[3]),
              "millis", Long.parseLong(f[4])));
    }
    out.sort(
        java.util.Comparator.comparing((Map<String, Object> m) -> (Integer) m.get("part"))
            .thenComparing(m -> (Integer) m.get("partition")));
    return out;
  }

  /**
   * Consecutive runs of batches (rows of batch_id, segments, documents, tokens, by batch id) of
   * about {@code tokensPerPart} tokens; one empty part when there is nothing to read, so the table
   * is still made.
   */
  static List<List<Row>> waves(List<Row> batchSizes, long tokensPerPart) {
    List<List<Row>> waves = new ArrayList<>();
    List<Row> current = new ArrayList<>();
    long tokens = 0;
    for (Row r : batchSizes) {
      current.add(r);
      tokens += r.getLong(3);
      if (tokens >= tokensPerPart) {
        waves.add(current);
        current = new ArrayList<>();
        tokens = 0;
      }
    }
    if (!current.isEmpty() || waves.isEmpty()) {
      waves.add(current);
    }
    return waves;
  }

  /** Documents this stage already read or failed on in an earlier, interrupted run; or null. */
  private Dataset<Row> alreadyRead(RunTables tables) {
    RunTable table = RunTable.segmentMetrics(memory);
    Dataset<Row> done = null;
    if (tables.has(table)) {
      done = tables.read(table).select("doc_id").distinct();
    }
    if (tables.has(RunTable.ERRORS)) {
      Dataset<Row> failed =
          tables.read(RunTable.ERRORS).filter(col("stage").equalTo(name())).select("doc_id");
      done = done == null ? failed : done.union(failed);
    }
    return done == null ? null : done.distinct();
  }

  /** (doc_id, batch_id): {@code lanes} documents of similar length per batch, longest first. */
  private static Dataset<Row> batches(Dataset<Row> segments, int lanes) {
    return segments
        .filter(col("seg_idx").equalTo(0))
        .select("doc_id", "n_segments")
        .withColumn(
            "batch_id",
            floor(
                    row_number()
                        .over(Window.orderBy(col("n_segments").desc(), col("doc_id")))
                        .minus(1)
                        .divide(lanes))
                .cast(DataTypes.LongType))
        .select("doc_id", "batch_id");
  }

  /**
   * Rows of {@link #STAGED} for the batches of {@code wave}: one per segment read, or with an error
   * for a failed document. Each batch goes to the task {@link TaskPlan} gives it, and a task reads
   * its batches in order, each batch's documents side by side.
   */
  private Dataset<Row> scores(
      Dataset<Row> segments, List<Row> wave, RecurOptions resolved, Counters counters, int part) {
    SparkSession spark = segments.sparkSession();
    SparkConf conf = spark.sparkContext().getConf();
    String stallIn =
        part >= conf.getInt(STALL_FROM_PART, 0) ? conf.get(STALL_FOR_TESTS, null) : null;
    int tasks = options.partitions();
    if (tasks == 0) {
      tasks = Math.max(1, Math.min(wave.size(), spark.sparkContext().defaultParallelism()));
    }
    long[] tokens = wave.stream().mapToLong(r -> r.getLong(3)).toArray();
    int[] task =
        conf.get(PLAN_FOR_COMPARISON, "longest-first").equals("range")
            ? TaskPlan.byRange(tokens, tasks)
            : TaskPlan.assign(tokens, tasks);
    List<Row> plan = new ArrayList<>();
    for (int b = 0; b < task.length; b++) {
      plan.add(RowFactory.create(wave.get(b).getLong(0), task[b]));
    }
    Dataset<Row> planned =
        segments
            .join(broadcast(spark.createDataFrame(plan, PLAN)), "batch_id")
            .select("doc_id", "seg_idx", "n_segments", "tokens", "batch_id", "task");
    JavaRDD<Row> byTask =
        planned.javaRDD().keyBy(r -> r.getInt(5)).partitionBy(new ByTask(tasks)).values();
    ResourceProfile profile = resolved.taskProfile(conf);
    if (profile != null) {
      byTask.rdd().withResources(profile); // this stage's tasks each get a GPU
    }
    return spark
        .createDataFrame(byTask, planned.schema())
        .sortWithinPartitions("batch_id", "seg_idx", "doc_id")
        .drop("task")
        .mapPartitions(
            new ReadInOrder(weights, resolved, memory, counters, stallIn, states, modelId, part),
            Encoders.row(STAGED));
  }

  private static final StructType PLAN =
      new StructType()
          .add("batch_id", DataTypes.LongType, false)
          .add("task", DataTypes.IntegerType, false);

  /** Partition i holds the batches planned for task i. */
  private static final class ByTask extends Partitioner {
    private final int tasks;

    ByTask(int tasks) {
      this.tasks = tasks;
    }

    @Override
    public int numPartitions() {
      return tasks;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }
  }

  private record ReadInOrder(
      Broadcast<ModelWeights> weights,
      RecurOptions options,
      MemoryMode memory,
      Counters counters,
      String stallIn,
      RunStates states,
      String modelId,
      int part)
      implements MapPartitionsFunction<Row, Row> {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return java.util.Collections.emptyIterator();
      }
      long started = System.nanoTime();
      String gpu =
          TaskContext.get() == null
              ? null
              : DevicePolicy.address(TaskContext.get().resourcesJMap());
      String executor = ExecutorModels.thisExecutor() + (gpu == null ? "" : " gpu " + gpu);
      if (counters != null) {
        counters.executors().add(executor);
      }
      int partition = TaskContext.get() == null ? 0 : TaskContext.get().partitionId();
      InfiniTransformer model = ExecutorModels.forThisTask(weights.value(), options);
      Recurrence recurrence = new Recurrence(model, options.lanes(), memory, states, modelId);
      if (TaskContext.get() != null) {
        TaskContext.get()
            .addTaskCompletionListener(
                (org.apache.spark.util.TaskCompletionListener) t -> recurrence.close());
      }
      Iterator<SegmentScore> scores = recurrence.run(new Inputs(rows));
      return new Iterator<>() {
        boolean counted;
        long tokens;

        @Override
        public boolean hasNext() {
          boolean more = scores.hasNext();
          if (!more && !counted && counters != null) {
            counters.restored().add(recurrence.restoredSegments());
            long millis = (System.nanoTime() - started) / 1_000_000;
            counters
                .tasks()
                .add(executor + "\t" + part + "\t" + partition + "\t" + tokens + "\t" + millis);
            counted = true;
          }
          return more;
        }

        @Override
        public Row next() {
          SegmentScore score = scores.next();
          tokens += score.error() == null ? score.nTokens() : 0;
          Row row = toRow(score);
          if (stallIn != null) {
            stallForTests(stallIn);
          }
          return row;
        }
      };
    }

    /** Once per run: the pid file is written once, and no later task or stage stalls again. */
    private static void stallForTests(String dir) {
      TaskContext task = TaskContext.get();
      java.nio.file.Path pid = java.nio.file.Path.of(dir, "recur-task-pid");
      if (task == null || task.partitionId() != 0 || java.nio.file.Files.exists(pid)) {
        return;
      }
      try {
        java.nio.file.Files.writeString(pid, String.valueOf(ProcessHandle.current().pid()));
        Thread.sleep(120_000);
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException("test stall interrupted", e);
      }
    }

    private Row toRow(SegmentScore s) {
      if (counters != null && s.error() == null) {
        counters.segments().add(1);
        counters.tokens().add(s.nTokens());
      }
      if (counters != null && s.lastOfDocument()) {
        counters.documents().add(1);
      }
      if (s.error() != null) {
        return RowFactory.create(s.docId(), s.segIdx(), null, null, null, null, null, s.error());
      }
      return RowFactory.create(
          s.docId(),
          s.segIdx(),
          s.nTokens(),
          s.nPredicted(),
          s.nllSum(),
          s.tokenNll(),
          s.millis(),
          null);
    }
  }

  /** Spark rows → the recurrence's inputs, lazily. */
  private record Inputs(Iterator<Row> rows) implements Iterator<SegmentInput> {
    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public SegmentInput next() {
      Row r = rows.next();
      List<Integer> list = r.getList(3);
      int[] tokens = new int[list.size()];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = list.get(i);
      }
      return new SegmentInput(r.getString(0), r.getInt(1), r.getInt(2), tokens, r.getLong(4));
    }
  }
}
