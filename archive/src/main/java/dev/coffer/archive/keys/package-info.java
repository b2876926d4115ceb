/** The archive's keys and the one place their files are written and read. */
package dev.coffer.archive.keys;
