/** The derived, rebuildable Lucene index id → serial that keeps dedupe memory bounded. */
package dev.coffer.archive.idindex;
