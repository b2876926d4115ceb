/** Signed checkpoints (tree heads): the Ed25519-signed note and the object that stores it with its frontier. */
package dev.coffer.archive.checkpoint;
