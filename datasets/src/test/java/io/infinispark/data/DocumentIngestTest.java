package io.infinispark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentIngestTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSessions.forTests();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void readsTextJsonlAndParquetAndReportsEveryBadInputByName(@TempDir Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("moby.txt"), "\n  Moby Dick\nCall me Ishmael.\n");
    Files.writeString(in.resolve("empty.txt"), "");
    Files.write(
        in.resolve("latin1.txt"), "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(in.resolve("blank.txt"), " \n\t\n");
    Files.writeString(
        in.resolve("books.jsonl"),
        String.join(
            "\n",
            "{\"id\": \"emma\", \"title\": \"Emma\", \"text\": \"Emma Woodhouse, handsome.\"}",
            "{\"id\": \"broken\", \"text\": ",
            "{\"title\": \"No id\", \"text\": \"orphan\"}",
            "{\"id\": \"moby\", \"text\": \"a second moby\"}",
            "{\"id\": 42, \"text\": \"numeric id\"}"));
    StructType parquetSchema =
        new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(RowFactory.create("walden", "I went to the woods.")), parquetSchema)
        .coalesce(1)
        .write()
        .parquet(dir.resolve("pq").toString());
    Path part =
        Files.list(dir.resolve("pq"))
            .filter(p -> p.toString().endsWith(".parquet"))
            .findFirst()
            .orElseThrow();
    Files.copy(part, in.resolve("walden.parquet"));
    Files.write(in.resolve("corrupt.parquet"), "PAR1 this is not really parquet".getBytes());
    Files.writeString(in.resolve("notes.md"), "# not an input");

    DocumentIngest.Result result = DocumentIngest.read(spark, in.toString());

    Map<String, Row> docs =
        result.documents().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(List.of("42", "emma", "moby", "walden"), docs.keySet().stream().sorted().toList());
    // moby is in books.jsonl and moby.txt: the first source in path order is kept
    assertTrue(docs.get("moby").<String>getAs("source").endsWith("/books.jsonl"));
    assertEquals("a second moby", docs.get("moby").getAs("text"));
    assertEquals("Emma Woodhouse, handsome.", docs.get("emma").getAs("text"));
    assertEquals(25L, (long) docs.get("emma").getAs("n_chars"));
    assertEquals("I went to the woods.", docs.get("walden").getAs("text"));
    assertEquals(Tables.DOCUMENTS, result.documents().schema());

    List<String> errors =
        result.errors().collectAsList().stream()
            .map(r -> name(r.getString(1)) + "|" + r.getString(0) + "|" + r.getString(3))
            .sorted()
            .toList();
    assertEquals(Tables.ERRORS, result.errors().schema());
    assertEquals(8, errors.size(), errors.toString());
    assertContains(errors, "empty.txt|empty|empty file");
    assertContains(errors, "latin1.txt|latin1|not valid UTF-8");
    assertContains(errors, "blank.txt|blank|empty document (only whitespace)");
    assertContains(errors, "books.jsonl|null|malformed JSON line: {\"id\": \"broken\"");
    assertContains(errors, "books.jsonl|null|missing id");
    assertContains(errors, "moby.txt|moby|duplicate doc_id; kept the copy from file:");
    assertTrue(
        errors.stream().anyMatch(e -> e.startsWith("moby.txt") && e.endsWith("/books.jsonl")));
    assertContains(errors, "corrupt.parquet|null|corrupt Parquet file");
    assertContains(errors, "notes.md|null|unsupported file type");
  }

  @Test
  void pg19LayoutTakesTitlesFromMetadataAndAcceptsASplitDirectory(@TempDir Path dir)
      throws IOException {
    Path pg19 = Files.createDirectories(dir.resolve("pg19"));
    for (String[] book :
        new String[][] {{"train", "101"}, {"validation", "202"}, {"test", "303"}}) {
      Files.createDirectories(pg19.resolve(book[0]));
      Files.writeString(
          pg19.resolve(book[0]).resolve(book[1] + ".txt"),
          "CHAPTER I\nIt was a dark night, book " + book[1]);
    }
    Files.writeString(
        pg19.resolve("metadata.csv"),
        "101,\"War and Peace, Volume 1\",1869,http://www.gutenberg.org/ebooks/101\n"
            + "202,Emma,1815,http://www.gutenberg.org/ebooks/202\n");

    DocumentIngest.Result all = DocumentIngest.read(spark, pg19.toString());
    assertEquals(0, all.errors().count());
    Map<String, String> titles =
        all.documents().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertEquals(
        Map.of("101", "War and Peace, Volume 1", "202", "Emma", "303", "CHAPTER I"), titles);

    DocumentIngest.Result test = DocumentIngest.read(spark, pg19.resolve("validation").toString());
    assertEquals("Emma", test.documents().first().getString(1));
    assertEquals(1, test.documents().count());
  }

  @Test
  void bookSumStyleJsonlGivesDocumentsAndTheirReferenceSummaries(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("booksum.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"bid\": 7, \"book_title\": \"Emma\", \"chapter\": \"Emma Woodhouse, handsome, clever.\","
                + " \"summary_text\": \"Emma is introduced.\", \"summaries\": [\"A\", {\"text\": \"B\"}]}",
            "{\"chapter_id\": \"emma.ch2\", \"text\": \"Mr. Weston was a native of Highbury.\","
                + " \"summary\": \"Weston's past.\", \"summary_gpt\": \"Mr Weston's history.\"}",
            "",
            "{\"chapter_id\": \"emma.ch3\", \"summary\": \"no text here\"}"));
    DocumentIngest.Result result = DocumentIngest.read(spark, file.toString());
    Map<String, Row> docs =
        result.documents().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(List.of("7", "emma.ch2"), docs.keySet().stream().sorted().toList());
    assertEquals("Emma", docs.get("7").getString(1));
    assertEquals(Tables.REFERENCES, result.references().schema());
    List<String> refs =
        result.references().collectAsList().stream()
            .map(r -> r.getString(0) + "|" + r.getString(2) + "|" + r.getString(3))
            .sorted()
            .toList();
    assertEquals(
        List.of(
            "7|summaries[0]|A",
            "7|summaries[1]|B",
            "7|summary_text|Emma is introduced.",
            "emma.ch2|summary_gpt|Mr Weston's history.",
            "emma.ch2|summary|Weston's past."),
        refs);
    List<Row> errors = result.errors().collectAsList();
    assertEquals(1, errors.size());
    assertEquals("emma.ch3", errors.get(0).getString(0));
    assertTrue(errors.get(0).getString(3).startsWith("missing text"), errors.get(0).getString(3));
  }

  @Test
  void theBundledSampleCorpusIsThreeCleanBooks() {
    DocumentIngest.Result result = DocumentIngest.read(spark, "sample");
    assertEquals(0, result.errors().count(), "the default run should report no errors");
    List<String> ids =
        result.documents().select("doc_id").collectAsList().stream()
            .map(r -> r.getString(0))
            .sorted()
            .toList();
    assertEquals(List.of("devils-dictionary", "jargon-file", "king-james-bible"), ids);
  }

  @Test
  void aMissingInputPathFailsAtOnceNamingThePath(@TempDir Path dir) {
    String missing = dir.resolve("nowhere").toString();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DocumentIngest.read(spark, missing));
    assertEquals("input path does not exist: " + missing, e.getMessage());
  }

  @Test
  void anInputWithNoDocumentFilesFailsAtOnceSayingWhatItFound(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("notes.md"), "# not a corpus");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DocumentIngest.read(spark, dir.toString()));
    assertTrue(e.getMessage().startsWith("no documents under " + dir), e.getMessage());
    assertTrue(e.getMessage().contains("notes.md"), e.getMessage());
  }

  @Test
  void aFileThatCannotBeOpenedIsAnErrorRowAndTheOthersAreRead(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("open.txt"), "A book anyone may read.\nIt has two lines.");
    Files.writeString(dir.resolve("locked.txt"), "A book nobody may read.");
    Files.writeString(dir.resolve("locked.jsonl"), "{\"id\": \"j\", \"text\": \"hidden\"}\n");
    var hadoop = spark.sparkContext().hadoopConfiguration();
    String local = hadoop.get("fs.file.impl");
    hadoop.set("fs.file.impl", LockedFileSystem.class.getName());
    hadoop.setBoolean("fs.file.impl.disable.cache", true);
    List<String> documents;
    List<String> errors;
    try {
      DocumentIngest.Result result = DocumentIngest.read(spark, dir.toString());
      documents = result.documents().collectAsList().stream().map(r -> r.getString(0)).toList();
      errors =
          result.errors().collectAsList().stream()
              .map(r -> name(r.getString(1)) + "|" + r.getString(2) + "|" + r.getString(3))
              .sorted()
              .toList();
    } finally {
      if (local == null) {
        hadoop.unset("fs.file.impl");
      } else {
        hadoop.set("fs.file.impl", local);
      }
      hadoop.unset("fs.file.impl.disable.cache");
    }
    assertEquals(List.of("open"), documents);
    assertEquals(2, errors.size(), errors.toString());
    assertContains(errors, "locked.jsonl|ingest|cannot be read: ");
    assertContains(errors, "locked.txt|ingest|cannot be read: ");
    assertTrue(errors.get(1).contains("Permission denied"), errors.toString());
  }

  @Test
  void symbolicLinkLoopsAndSecondLinksReadEveryBookOnce(@TempDir Path dir) throws IOException {
    Path books = Files.createDirectories(dir.resolve("books"));
    Files.writeString(books.resolve("one.txt"), "The first book.\nIt ends here.");
    Path inner = Files.createDirectories(books.resolve("inner"));
    Files.writeString(inner.resolve("two.txt"), "The second book.\nIt ends too.");
    Files.createSymbolicLink(inner.resolve("up"), books); // a loop
    Files.createSymbolicLink(inner.resolve("self"), inner); // a second loop
    Files.createSymbolicLink(books.resolve("again"), inner); // a second way to the same books
    Files.createSymbolicLink(books.resolve("gone.txt"), dir.resolve("nowhere.txt"));

    DocumentIngest.Result result = DocumentIngest.read(spark, books.toString());

    List<String> documents =
        result.documents().collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertEquals(List.of("one", "two"), documents);
    List<String> errors =
        result.errors().collectAsList().stream()
            .map(r -> name(r.getString(1)) + "|" + r.getString(3))
            .toList();
    assertEquals(List.of("gone.txt|cannot be read: a symbolic link to nothing"), errors);
  }

  private static String name(String path) {
    return path == null ? "null" : path.substring(path.lastIndexOf('/') + 1);
  }

  private static void assertContains(List<String> errors, String prefix) {
    assertTrue(errors.stream().anyMatch(e -> e.startsWith(prefix)), prefix + " not in " + errors);
  }
}
