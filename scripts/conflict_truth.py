#!/usr/bin/env python3
"""Score a generated corpus's figure diagnostics against the generator's truth.

    cargo build --release --example generator_truth
    target/release/claimlens bench generate --articles 10000 --seed 42 --out /tmp/c10k
    target/release/examples/generator_truth 10000 42 /tmp/truth.jsonl
    python3 scripts/conflict_truth.py target/release/claimlens /tmp/c10k /tmp/truth.jsonl

Starts `claimlens lsp` on the corpus (analysis cache off), collects every
`publishDiagnostics` until each file has one, and reports:
- diagnostics whose related locations include a figure of the same story and
  key where one of the two was perturbed (a planted conflict);
- planted conflicts (perturbed figures whose story has another article with
  that figure) found that way;
- diagnostics whose related locations are all more than 31 days away, by the
  dates in the file names.
Related locations are capped per diagnostic, so a partner may go unseen.
"""
import datetime, glob, json, os, re, subprocess, sys
from collections import defaultdict

exe, root, truth = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
T = {}
for line in open(truth):
    o = json.loads(line)
    T[o["path"]] = o
n = len(glob.glob(root + "/**/*.txt", recursive=True))
env = dict(os.environ, CLAIMLENS_CACHE="off")
p = subprocess.Popen([exe, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL, cwd=root, env=env)

def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
    p.stdin.flush()

u = "file://" + root
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "processId": None, "rootUri": u, "workspaceFolders": [{"uri": u, "name": "c"}],
    "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                     "textDocument": {"publishDiagnostics": {"relatedInformation": True}}}}})
frames = {}
while len(frames) < n:
    h = {}
    while True:
        line = p.stdout.readline()
        if not line:
            sys.exit("server exited")
        line = line.strip()
        if not line:
            break
        k, v = line.split(b":", 1)
        h[k.lower()] = v.strip()
    m = json.loads(p.stdout.read(int(h[b"content-length"])))
    if m.get("method") == "textDocument/publishDiagnostics":
        frames[m["params"]["uri"]] = m["params"]["diagnostics"]
    elif "method" in m and "id" in m:
        send({"jsonrpc": "2.0", "id": m["id"], "result": None})
    elif m.get("id") == 1:
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
send({"jsonrpc": "2.0", "method": "exit"})
p.wait(timeout=60)

lines = {}
def byte_at(rel, pos):
    if rel not in lines:
        lines[rel] = open(os.path.join(root, rel), encoding="utf-8").read().split("\n")
    ls = lines[rel]
    off = sum(len(l.encode()) + 1 for l in ls[:pos["line"]])
    head = ls[pos["line"]].encode("utf-16-le")[:pos["character"] * 2].decode("utf-16-le")
    return off + len(head.encode())

def figure_at(rel, rng):
    a, b = byte_at(rel, rng["start"]), byte_at(rel, rng["end"])
    return next((f for f in T[rel]["figures"] if f[0] < b and a < f[1]), None)

def rel_of(uri):
    return uri[len(u) + 1:]

def date_of(rel):
    m = re.search(r"(\d{4})-(\d\d)-(\d\d)-", rel)
    return datetime.date(*map(int, m.groups())) if m else None

total = planted_partner = far = 0
found = set()
for uri, diags in frames.items():
    rel = rel_of(uri)
    story = T[rel]["story"]
    for d in diags:
        if d.get("code") != "inconsistent-figure":
            continue
        total += 1
        F = figure_at(rel, d["range"])
        ok = False
        gaps = []
        for r in d.get("relatedInformation", []):
            r2 = rel_of(r["location"]["uri"])
            if date_of(rel) and date_of(r2):
                gaps.append(abs((date_of(r2) - date_of(rel)).days))
            G = figure_at(r2, r["location"]["range"])
            if F and G and T[r2]["story"] == story and F[2] == G[2] and (F[3] or G[3]):
                ok = True
                found.update(x for x in [(rel, F[0]) if F[3] else None, (r2, G[0]) if G[3] else None] if x)
        planted_partner += ok
        far += bool(gaps) and min(gaps) > 31
by_key = defaultdict(list)
for rel, o in T.items():
    for f in o["figures"]:
        by_key[(o["story"], f[2])].append((rel, f))
planted = {(rel, f[0]) for v in by_key.values() if len({r for r, _ in v}) > 1 for rel, f in v if f[3]}
print(f"figure diagnostics {total}: with a planted same-story partner {planted_partner}, "
      f"all shown partners more than 31 days away {far}")
print(f"planted conflicts {len(planted)}, found with a same-story partner {len(planted & found)}")
