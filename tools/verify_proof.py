#!/usr/bin/env python3
"""Checks Coffer proof files (docs/proof-format.md) independently of Coffer: Python standard library only.
Usage: verify_proof.py PROOF_FILE [PROOF_FILE...]. Prints one line per file. Exit status 0 only if every
proof is valid; 1 if one is invalid; 2 if one is unreadable or malformed."""
import base64, hashlib, json, sys

P, L = 2**255 - 19, 2**252 + 27742317777372353535851937790883648493  # Ed25519, RFC 8032 section 5.1
D, SQRT_M1 = -121665 * pow(121666, P - 2, P) % P, pow(2, (P - 1) // 4, P)
sha = lambda b: hashlib.sha256(b).digest()
node = lambda left, right: sha(b"\x01" + left + right)  # RFC 6962 section 2.1; a leaf is sha(0x00 || data)
b64 = lambda s: base64.b64decode(s, validate=True)
def add(a, b):  # extended twisted Edwards coordinates, RFC 8032 section 5.1.4
    A, B = (a[1] - a[0]) * (b[1] - b[0]) % P, (a[1] + a[0]) * (b[1] + b[0]) % P
    C, E = 2 * a[3] * b[3] * D % P, 2 * a[2] * b[2] % P
    e, f, g, h = B - A, E - C, E + C, B + A
    return (e * f % P, g * h % P, f * g % P, e * h % P)
def mul(s, pt):
    q = (0, 1, 1, 0)
    while s: q, pt, s = (add(q, pt) if s & 1 else q), add(pt, pt), s >> 1
    return q
def point(b):  # decoding, RFC 8032 section 5.1.3; None if not a point
    y, sign = int.from_bytes(b, "little") & (2**255 - 1), b[31] >> 7 if len(b) == 32 else 0
    if len(b) != 32 or y >= P: return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    x = x if (x * x - x2) % P == 0 else x * SQRT_M1 % P
    if (x * x - x2) % P or (x == 0 and sign): return None
    x = P - x if x & 1 != sign else x
    return (x, y, 1, x * y % P)
BASE = point((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))
def ed25519(pub, msg, sig):  # verification, RFC 8032 section 5.1.7
    A, R, s = point(pub), point(sig[:32]) if len(sig) == 64 else None, int.from_bytes(sig[32:], "little")
    if A is None or R is None or s >= L: return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % L
    a, b = mul(s, BASE), add(R, mul(k, A))
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0
class Invalid(Exception): pass
def fail(why): raise Invalid(why)
def count(p, k):
    if type(p[k]) is not int or p[k] < 0: raise ValueError(k + " is not a non-negative integer")
    return p[k]
def hashes(p, k):
    if not all(type(h) is str and len(h) == 64 and h == h.lower() for h in p[k]): raise ValueError(k + " holds a non-hash")
    return [bytes.fromhex(h) for h in p[k]]
def checkpoint(p, k, pub):  # a C2SP signed note holding a tlog-checkpoint body; returns (origin, size, root)
    body, sep, sigs = p[k].partition("\n\n")
    lines = body.split("\n")
    if not sep or not sigs.endswith("\n") or len(lines) != 4 or not lines[0].startswith("coffer-archive/") \
            or not lines[1].isdigit() or str(int(lines[1])) != lines[1] or not lines[3].startswith("time "):
        fail(k + " is not a signed checkpoint note")
    key_id = sha(lines[0].encode() + b"\n\x01" + pub)[:4]  # C2SP signed-note key ID of an Ed25519 key
    for line in sigs[:-1].split("\n"):
        name, _, sig = line.removeprefix("\u2014 ").partition(" ")
        raw = b64(sig) if line.startswith("\u2014 ") and name == lines[0] else b""
        if raw[:4] == key_id and len(b64(lines[2])) == 32 and ed25519(pub, (body + "\n").encode(), raw[4:]):
            return lines[0], int(lines[1]), b64(lines[2])
    fail(k + ": no Ed25519 signature by the public key verifies")
def root_from_path(fn, sn, r, path):  # RFC 9162 section 2.1.3.2, with fn = leaf index, sn = tree size - 1
    for h in path:
        if sn == 0: fail("inclusionPath is too long")
        if fn & 1 or fn == sn:
            r = node(h, r)
            while fn and not fn & 1: fn, sn = fn >> 1, sn >> 1
        else: r = node(r, h)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else fail("inclusionPath is too short")
def consistent(n1, n2, r1, r2, path):  # RFC 9162 section 2.1.4.2
    if n1 > n2 or (n1 == n2 and (path or r1 != r2)) or (n1 == 0 and path): return False
    if n1 == n2 or n1 == 0: return True
    path = [r1] + path if n1 & (n1 - 1) == 0 else path
    if not path: return False
    fn, sn, fr, sr = n1 - 1, n2 - 1, path[0], path[0]
    while fn & 1: fn, sn = fn >> 1, sn >> 1
    for c in path[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn and not fn & 1: fn, sn = fn >> 1, sn >> 1
        else: sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == r1 and sr == r2
def main(p):
    if p.get("format") != "coffer-proof/1": raise ValueError("format is not coffer-proof/1")
    pub = b64(p["publicKey"])
    key = "key sha256 " + sha(bytes.fromhex("302a300506032b6570032100") + pub).hex()  # = manifest signing-key-sha256
    if p["type"] == "inclusion":
        record = b64(p["canonical"])
        if sha(record).hex() != p["digest"]: fail("digest is not the SHA-256 of the record bytes")
        if json.loads(record).get("id") != p["recordId"]: fail("recordId is not the id in the record bytes")
        origin, size, root = checkpoint(p, "checkpoint", pub)
        if size != count(p, "treeSize"): fail("checkpoint size %d is not treeSize %d" % (size, p["treeSize"]))
        if count(p, "leafIndex") >= size: fail("leafIndex %d is not in a tree of size %d" % (p["leafIndex"], size))
        if root_from_path(p["leafIndex"], size - 1, sha(b"\x00" + sha(record)), hashes(p, "inclusionPath")) != root:
            fail("inclusionPath does not lead to the checkpoint's root")
        return "record %s (sha256 %s) is leaf %d of the %d-record tree signed by %s (%s)" % (
            p["recordId"], p["digest"], p["leafIndex"], size, origin, key)
    if p["type"] != "consistency": raise ValueError("type is neither inclusion nor consistency")
    (o1, n1, r1), (o2, n2, r2) = checkpoint(p, "oldCheckpoint", pub), checkpoint(p, "newCheckpoint", pub)
    if o1 != o2: fail("the checkpoints name different archives")
    if (n1, n2) != (count(p, "oldSize"), count(p, "newSize")): fail("checkpoint sizes are not oldSize and newSize")
    if not consistent(n1, n2, r1, r2, hashes(p, "consistencyPath")): fail("consistencyPath does not prove the old tree is a prefix of the new")
    return "the %d-record tree extends the %d-record tree of %s (%s)" % (n2, n1, o1, key)
if __name__ == "__main__":
    status = 0 if len(sys.argv) > 1 else 2
    for name in sys.argv[1:] or print(__doc__.strip()) or []:
        where = name + ": " if len(sys.argv) > 2 else ""
        try:
            with open(name, "rb") as f: print(where + "OK: " + main(json.loads(f.read().decode("utf-8"))))
        except Invalid as e: print(where + "FAILED: %s" % e); status = max(status, 1)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            print(where + "FAILED: unreadable or malformed proof: %s: %s" % (type(e).__name__, e)); status = 2
    sys.exit(status)
