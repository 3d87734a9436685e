package io.infinispark.pipeline;

import io.infinispark.report.Format;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Prints what the pipeline is doing: each stage as it starts and ends, and during recur a line
 * every few seconds with documents / segments / tokens done, tokens per second and an estimate of
 * the time left. Counts come from accumulators; those of still-running tasks come with executor
 * heartbeats (spark.executor.heartbeatInterval), so a single long book still shows progress.
 */
public final class Progress extends SparkListener {
  private final SparkSession spark;
  private final PrintStream out;
  private final boolean live;
  private final long intervalSeconds;

  /** (task id, accumulator id) → that running task's latest partial count. */
  private final Map<String, Long> running = new ConcurrentHashMap<>();

  private final Set<Long> tracked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger retried = new AtomicInteger();
  private ScheduledExecutorService ticker;
  private RecurStage.Counters counters;

  public Progress(SparkSession spark, PrintStream out, boolean live, long intervalSeconds) {
    this.spark = spark;
    this.out = out;
    this.live = live;
    this.intervalSeconds = intervalSeconds;
    spark.sparkContext().addSparkListener(this);
  }

  void stage(String name) {
    out.printf("» %s …%n", name);
  }

  void kept(String name) {
    out.printf("» %s: finished before the run was interrupted, kept%n", name);
  }

  void stageDone(String name, long millis, Map<String, Object> counts) {
    out.printf("  %s done in %s %s%n", name, Format.duration(millis), counts);
  }

  RecurStage.Counters startRecur(long segments, long documents, long tokens) {
    var sc = spark.sparkContext();
    counters =
        new RecurStage.Counters(
            sc.longAccumulator("recur.segments"),
            sc.longAccumulator("recur.tokens"),
            sc.longAccumulator("recur.documents"),
            sc.longAccumulator("recur.restored"),
            sc.collectionAccumulator("recur.executors"),
            sc.collectionAccumulator("recur.tasks"));
    tracked.add(counters.segments().id());
    tracked.add(counters.tokens().id());
    tracked.add(counters.documents().id());
    if (live) {
      long started = System.nanoTime();
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(
          () -> out.println(line(documents, segments, tokens, started)),
          intervalSeconds,
          intervalSeconds,
          TimeUnit.SECONDS);
    }
    return counters;
  }

  void endRecur() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  private String line(long documents, long segments, long tokens, long started) {
    long tokensDone = current(counters.tokens());
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = tokensDone / Math.max(seconds, 1e-9);
    String eta = rate > 0 ? Format.duration((long) ((tokens - tokensDone) / rate * 1000)) : "?";
    String retries = retried.get() == 0 ? "" : " · tasks retried " + retried.get();
    return String.format(
        "  recur: documents %d/%d · segments %d/%d · tokens %s/%s · %s tok/s · ETA %s%s",
        current(counters.documents()),
        documents,
        current(counters.segments()),
        segments,
        Format.count(tokensDone),
        Format.count(tokens),
        Format.count((long) rate),
        eta,
        retries);
  }

  /** Finished tasks' total plus what running tasks last reported. */
  long current(LongAccumulator accumulator) {
    long partial = 0;
    String suffix = ":" + accumulator.id();
    for (Map.Entry<String, Long> e : running.entrySet()) {
      if (e.getKey().endsWith(suffix)) {
        partial += e.getValue();
      }
    }
    return accumulator.value() + partial;
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task :
        CollectionConverters.asJava(update.accumUpdates())) {
      for (AccumulableInfo info : CollectionConverters.asJava(task._4())) {
        if (tracked.contains(info.id()) && info.update().isDefined()) {
          running.put(task._1() + ":" + info.id(), ((Number) info.update().get()).longValue());
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    String prefix = end.taskInfo().taskId() + ":";
    running.keySet().removeIf(k -> k.startsWith(prefix));
    if (end.reason() instanceof TaskFailedReason failed) {
      retried.incrementAndGet();
      String why = failed.toErrorString().lines().findFirst().orElse("");
      out.printf(
          "  a task of stage %d failed on executor %s (%s); Spark runs it again%n",
          end.stageId(), end.taskInfo().executorId(), Format.printable(why));
    }
  }
}
