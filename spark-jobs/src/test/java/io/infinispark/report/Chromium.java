package io.infinispark.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** A report as a person would see it: Debian's headless Chromium lays it out and screenshots it. */
final class Chromium {
  static final int WIDTH = 1100;

  private Chromium() {}

  /** A {@link #WIDTH}-pixel-wide screenshot of {@code report}, {@code height} pixels tall. */
  static BufferedImage screenshot(Path report, Path dir, int height) throws Exception {
    Path png = dir.resolve("report-" + System.nanoTime() + ".png");
    Process chromium =
        new ProcessBuilder(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile"),
                "--window-size=" + WIDTH + "," + height,
                "--screenshot=" + png,
                report.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    assertTrue(chromium.waitFor(300, TimeUnit.SECONDS), "chromium did not finish");
    return ImageIO.read(png.toFile());
  }
}
