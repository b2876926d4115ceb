/** Segments: one group commit of records as one immutable object, and its byte format. */
package dev.coffer.archive.segment;
