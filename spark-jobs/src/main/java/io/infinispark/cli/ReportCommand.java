package io.infinispark.cli;

import io.infinispark.report.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./run.sh report RUN_DIR}: one self-contained HTML report of a run. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write RUN_DIR/report.html: one self-contained page (opens offline) with the run's results")
final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "A run directory written by ./run.sh")
  Path runDir;

  @Option(
      names = "--passkey",
      paramLabel = "EVAL_DIR",
      description = "An ./run.sh eval directory whose passkey grid to include")
  Path passkey;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() throws Exception {
    SparkSession session = spark.start("infini-spark report");
    try {
      System.out.println("report: " + HtmlReport.write(session, runDir, passkey));
    } finally {
      session.stop();
    }
    return 0;
  }
}
