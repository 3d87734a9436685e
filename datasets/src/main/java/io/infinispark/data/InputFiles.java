package io.infinispark.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files under an input path, grouped by format. Works on any Hadoop file system (local, HDFS,
 * S3A, ...). Hidden and bookkeeping files (names starting with '.' or '_') are skipped.
 */
public record InputFiles(
    List<String> text,
    List<String> jsonl,
    List<String> parquet,
    List<String> unsupported,
    List<String> empty,
    Map<String, String> unreadable) {

  /** True when no file could hold a document, nor was one that might left out. */
  public boolean isEmpty() {
    return text.isEmpty() && jsonl.isEmpty() && parquet.isEmpty() && unreadable.isEmpty();
  }

  public static InputFiles scan(String input, Configuration hadoop) {
    Path root = new Path(input);
    List<String> text = new ArrayList<>();
    List<String> jsonl = new ArrayList<>();
    List<String> parquet = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    Map<String, String> unreadable = new TreeMap<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("input path does not exist: " + input);
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        LocatedFileStatus status = files.next();
        Path file = status.getPath();
        String name = file.getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String path = file.toString();
        // one file without read permission would otherwise fail the whole read of its format
        String why = status.getLen() > 0 && isDocumentFile(lower) ? unreadable(fs, file) : null;
        if (status.getLen() == 0) {
          empty.add(path); // Spark's binaryFile source would skip it without a word
        } else if (why != null) {
          unreadable.put(path, why);
        } else if (lower.endsWith(".txt")) {
          text.add(path);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
          jsonl.add(path);
        } else if (lower.endsWith(".parquet")) {
          parquet.add(path);
        } else {
          unsupported.add(path);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read input path " + input + ": " + e.getMessage(), e);
    }
    text.sort(null);
    jsonl.sort(null);
    parquet.sort(null);
    unsupported.sort(null);
    empty.sort(null);
    return new InputFiles(text, jsonl, parquet, unsupported, empty, unreadable);
  }

  private static boolean isDocumentFile(String lowerName) {
    return lowerName.endsWith(".txt")
        || lowerName.endsWith(".jsonl")
        || lowerName.endsWith(".json")
        || lowerName.endsWith(".parquet");
  }

  /** Why {@code file} cannot be opened for reading, or null when it can. */
  private static String unreadable(FileSystem fs, Path file) {
    try {
      fs.open(file).close();
      return null;
    } catch (IOException e) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
  }
}
