/** Where things live in a data directory and its object store, and the manifest. */
package dev.coffer.archive.layout;
