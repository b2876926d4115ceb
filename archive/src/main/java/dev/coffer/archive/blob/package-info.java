/** Blobs: raw originals and attachments, content-addressed by SHA-256, optionally zstd, checked on read. */
package dev.coffer.archive.blob;
