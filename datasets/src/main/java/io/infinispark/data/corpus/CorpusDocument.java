package io.infinispark.data.corpus;

/**
 * One document of the local corpus, with its provenance.
 *
 * @param rawFile the packaged file the text was converted from
 * @param sha256 SHA-256 of that raw file
 */
public record CorpusDocument(
    String docId,
    String title,
    String packageName,
    String version,
    String licence,
    String rawFile,
    String sha256,
    String text) {}
