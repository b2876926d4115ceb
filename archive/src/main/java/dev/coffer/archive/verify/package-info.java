/**
 * {@link dev.coffer.archive.verify.Verifier}: re-reads a data directory from scratch and reports every
 * damaged, missing or unexpected file with expected vs actual ({@code coffer verify}).
 */
package dev.coffer.archive.verify;
