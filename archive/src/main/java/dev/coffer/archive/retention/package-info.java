/**
 * Retention, legal holds, disposition and restricted records, all kept as audit records in the
 * archive (see {@code docs/retention.md}).
 *
 * <p>Read the state with {@link dev.coffer.archive.Archive#retention()} (a {@link
 * dev.coffer.archive.retention.RetentionLedger}: policies, each record's retain-until, holds,
 * restrictions, dispositions). Act with {@link dev.coffer.archive.retention.Retention} (policy,
 * extension, hold, release, restrict) and {@link dev.coffer.archive.retention.Disposition} (plan,
 * run, runScheduled). The archive refuses, and audits, anything that would remove a record early.
 *
 * <pre>{@code
 * Actor actor = new Actor("os:carol", host, Actor.COMPLIANCE);
 * Retention.of(archive, actor).createHold("Acme v. Us", "notice 3",
 *     List.of(new HoldScope.Custodian("+447700900123")), Set.of());
 * DispositionReport preview = Disposition.plan(archive, Disposition.HoldQueries.NONE);
 * boolean hidden = archive.retention().restricted(recordId);
 * }</pre>
 */
package dev.coffer.archive.retention;
