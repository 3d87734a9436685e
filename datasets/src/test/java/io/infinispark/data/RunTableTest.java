package io.infinispark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infinispark.model.MemoryMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** README's table list and the registry say the same: every table, and every column of each. */
class RunTableTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z_/]+)` \\| (.*) \\|$", Pattern.MULTILINE);

  @Test
  void readmeListsEveryRunTableWithItsColumns() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    int start = readme.indexOf("### Tables");
    String section = readme.substring(start, readme.indexOf("\n### ", start + 1));
    Map<String, String> rows = new LinkedHashMap<>();
    for (Matcher m = ROW.matcher(section); m.find(); ) {
      rows.put(m.group(1), m.group(2));
    }
    Set<String> registered =
        Arrays.stream(RunTable.values()).map(RunTable::directory).collect(Collectors.toSet());
    assertEquals(registered, rows.keySet(), "tables in README vs RunTable");
    for (RunTable table : RunTable.values()) {
      String row = rows.get(table.directory());
      if (row.startsWith("the same columns as `")) {
        String same =
            row.substring(
                "the same columns as `".length(),
                row.indexOf('`', "the same columns as `".length()));
        assertEquals(
            table.schema(),
            RunTable.valueOf(same.toUpperCase().replace('/', '_')).schema(),
            table.directory());
        continue;
      }
      for (String column : table.schema().fieldNames()) {
        assertTrue(
            Pattern.compile("(^|, )" + column + "\\b").matcher(row).find(),
            "README's row for " + table.directory() + " lacks the column " + column);
      }
    }
  }

  @Test
  void everyTableHasItsOwnDirectory() {
    assertEquals(
        RunTable.values().length,
        Arrays.stream(RunTable.values()).map(RunTable::directory).distinct().count());
    assertEquals("/r/segment_metrics_reset", RunTable.segmentMetrics(MemoryMode.RESET).in("/r"));
  }
}
