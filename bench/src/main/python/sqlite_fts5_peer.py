#!/usr/bin/env python3
"""Peer for the Coffer benchmark suite: SQLite FTS5 through Python's sqlite3 (stdlib only).

Ingests the same records Coffer archived (JSON lines: id, conversation, sender, sent_at, text) into a
messages table plus an external-content FTS5 index, in WAL mode with synchronous=FULL (each
transaction is durable, as Coffer's group commit is) and batched transactions; then runs the same
mixed queries (20 hits, highlight()) and prints timings as JSON on stdout.

usage: sqlite_fts5_peer.py RECORDS.jsonl DB QUERIES.json BATCH WARMUP ROUNDS
"""
import json
import os
import sqlite3
import sys
import time


def ingest(records_path, db_path, batch):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    start = time.perf_counter()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, conversation TEXT,"
               " sender TEXT, sent_at INTEGER, text TEXT)")
    db.execute("CREATE INDEX messages_sender ON messages(sender)")
    db.execute("CREATE INDEX messages_sent_at ON messages(sent_at)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(text, content='messages', content_rowid='rowid')")
    count = 0
    rows = []

    def flush():
        db.execute("BEGIN")
        for r in rows:
            cur = db.execute("INSERT INTO messages(id, conversation, sender, sent_at, text) VALUES (?,?,?,?,?)", r)
            db.execute("INSERT INTO fts(rowid, text) VALUES (?, ?)", (cur.lastrowid, r[4]))
        db.execute("COMMIT")
        rows.clear()

    with open(records_path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            rows.append((o["id"], o["conversation"], o["sender"], o["sent_at"], o["text"]))
            count += 1
            if len(rows) >= batch:
                flush()
    if rows:
        flush()
    seconds = time.perf_counter() - start
    return db, count, seconds


def search(db, queries, warmup, rounds):
    def run(q):
        sql = ("SELECT m.id, highlight(fts, 0, '[', ']') FROM fts JOIN messages m ON m.rowid = fts.rowid"
               " WHERE fts MATCH ?")
        args = [q["match"]]
        if q.get("sender"):
            sql += " AND m.sender = ?"
            args.append(q["sender"])
        if q.get("since_ms") is not None:
            sql += " AND m.sent_at >= ? AND m.sent_at < ?"
            args += [q["since_ms"], q["until_ms"]]
        sql += " ORDER BY rank LIMIT 20"
        return db.execute(sql, args).fetchall()

    for _ in range(warmup):
        for q in queries:
            run(q)
    latencies = []
    per_query = {q["name"]: 0 for q in queries}
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            rows = run(q)
            latencies.append((time.perf_counter() - t) * 1000.0)
            per_query[q["name"]] = len(rows)
    return latencies, per_query


def main():
    records, db_path, queries_path, batch, warmup, rounds = sys.argv[1:7]
    db, count, seconds = ingest(records, db_path, int(batch))
    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    latencies, hits = search(db, queries, int(warmup), int(rounds))
    db.close()
    size = sum(os.path.getsize(db_path + s) for s in ("", "-wal") if os.path.exists(db_path + s))
    print(json.dumps({"records": count, "ingest_seconds": seconds, "latencies_ms": latencies,
                      "hits_per_query": hits, "db_bytes": size, "sqlite_version": sqlite3.sqlite_version}))


if __name__ == "__main__":
    main()
