#!/usr/bin/python3
"""The measuring half of scripts/bench (stdlib only). scripts/bench installs, builds, makes the
corpus and the sets, then runs:

    bench.py --root REPO --sets-dir DIR --sets 10MB,10MB-report,50MB,50MB-report
             --queries QUERIES.tsv --tools DIR --out RUN_DIR [--cold-runs 20] [--warm-iters 200]
             [--index-reps 3]

Per set, on the same passages (what `indexer --dry-run --json` finds, fed to the peers), each
engine's runs interleaved with the others' so that the machine's drift hits all alike: index
throughput, database size (as written and compacted), indexer peak RSS (/usr/bin/time), cold
search (a whole process per query, against the C floor of the same run), warm search
(in-process), and for rapportsök the sync of a one-paragraph edit against a full index. The
peers are C and C++ programs (scripts/bench.d/xapian_peer.cc, fts5_peer.cc). Prints tables with
ratios and the targets as ratios of this run; RUN_DIR/results.json keeps every sample.
"""
import argparse, json, os, shutil, signal, socket, statistics, subprocess, sys, time, zlib

ENGINES = ["rapportsok", "xapian", "fts5"]
NAMES = {"rapportsok": "rapportsök", "xapian": "Xapian (C++)", "fts5": "FTS5 (C)"}
FLOOR = "C floor (libxapian+ICU, open, 1 term)"
WARM_ROUNDS = 4  # warm iterations run in this many turns, the engines taking turns


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def size_of(path):
    path = os.path.realpath(path)
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            fp = os.path.join(dp, f)
            if os.path.isfile(fp):
                total += os.path.getsize(fp)
    return total


def timed(cmd, rss_file=None, **kw):
    """Runs cmd; returns (seconds of wall time, peak RSS in KB or None, stdout)."""
    if rss_file:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                   p.stderr.decode(errors="replace")[-2000:]))
    rss = None
    if rss_file:
        rss = int(open(rss_file).read().split()[-1])
    return dt, rss, p.stdout.decode("utf-8", "replace")


def read_queries(path):
    qs = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            name, rq, words, phrase, section = line.rstrip("\n").split("\t")
            qs.append(dict(name=name, rq=rq, words=words, phrase=phrase, section=section))
    return qs


def kind(q):
    """The kind of query the cold-search target names."""
    if q["section"] != "-":
        return "filter"
    if q["phrase"] == "1":
        return "phrase"
    return "one word" if len(q["words"].split()) == 1 else "several words"


def edit_one_paragraph(text_dir):
    """Changes one word of one paragraph line in the middle file; returns (file, old, new)."""
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(text_dir) for f in fs
                   if f.endswith(".txt"))
    path = files[len(files) // 2]
    lines = open(path, encoding="utf-8").read().split("\n")
    for i in range(len(lines) // 3, len(lines)):
        words = lines[i].split()
        if len(words) >= 6 and not words[0][0].isdigit():
            old = lines[i]
            words[2] = "benchredigerad"
            lines[i] = " ".join(words) + " "
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines))
            return path, old.strip(), lines[i].strip()
    raise RuntimeError("no paragraph line to edit in " + path)


def remove_db(work, db):
    if os.path.isdir(db):
        shutil.rmtree(db)
    elif os.path.exists(db):
        os.remove(db)
    for extra in os.listdir(work):  # generation folders of a rebuilt database
        if extra.startswith(os.path.basename(db) + "."):
            shutil.rmtree(os.path.join(work, extra), ignore_errors=True)


def measure_set(a, name, queries, qfile):
    tool = lambda t: os.path.join(a.tools, t)  # snapshots of build/ taken by scripts/bench
    indexer, searcher = tool("indexer"), tool("searcher")
    work = os.path.join(a.out, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = os.path.join(work, "text")
    shutil.copytree(os.path.join(a.sets_dir, name), text)
    source = open(os.path.join(text, "SOURCE")).read().strip()
    os.remove(os.path.join(text, "SOURCE"))
    files = [os.path.join(dp, f) for dp, _, fs in os.walk(text) for f in fs if f.endswith(".txt")]
    nbytes = sum(os.path.getsize(f) for f in files)
    R = dict(set=name, source=source, files=len(files), bytes=nbytes, engines={e: {} for e in ENGINES},
             load_start=os.getloadavg())
    E = R["engines"]
    log("[%s] %d files, %.2f MB: passages (indexer --dry-run --json)" % (name, len(files), nbytes / 1e6))
    jsonl = os.path.join(work, "passages.jsonl")
    with open(jsonl, "wb") as fh:
        subprocess.run([indexer, "--dry-run", "--json", text], stdout=fh, stderr=subprocess.DEVNULL,
                       check=True)
    lengths = [len(json.loads(line)["text"].encode()) for line in open(jsonl, encoding="utf-8")]
    R["passages"] = len(lengths)
    R["passage_bytes_mean"] = statistics.mean(lengths) if lengths else 0
    rss = os.path.join(work, "rss.txt")
    reps = a.index_reps if name.startswith("10MB") or name == a.sets[0] else 1

    # ---- indexing, size, RSS: the engines take turns, repetition by repetition
    dbs = {"rapportsok": os.path.join(work, "rs.db"), "xapian": os.path.join(work, "xp.db"),
           "fts5": os.path.join(work, "fts5.sqlite")}
    cmds = {"rapportsok": [indexer, "--db", dbs["rapportsok"], "--json", text],
            "xapian": [tool("xapian_peer"), "index", dbs["xapian"], jsonl],
            "fts5": [tool("fts5_peer"), "index", dbs["fts5"], jsonl]}
    walls = {e: [] for e in ENGINES}
    rsss = {e: [] for e in ENGINES}
    for r in range(reps):
        for e in ENGINES:
            remove_db(work, dbs[e])
            log("[%s] index %s (%d/%d)" % (name, NAMES[e], r + 1, reps))
            dt, kb, out = timed(cmds[e], rss)
            if e == "rapportsok":
                E[e]["summary"] = json.loads(out.strip().splitlines()[-1])
            walls[e].append(dt)
            rsss[e].append(kb)
    for e in ENGINES:
        E[e]["index_s_all"] = walls[e]
        E[e]["index_s"] = statistics.median(walls[e])
        E[e]["index_mbs"] = nbytes / 1e6 / E[e]["index_s"]
        E[e]["rss_mb"] = max(rsss[e]) / 1024.0
        E[e]["db_bytes"] = size_of(dbs[e])
        comp = dbs[e] + ".compact"
        if e == "fts5":
            subprocess.run([tool("fts5_peer"), "compact", dbs[e], comp], check=True)
        else:
            shutil.rmtree(comp, ignore_errors=True)
            subprocess.run(["xapian-compact", os.path.realpath(dbs[e]), comp], check=True,
                           stdout=subprocess.DEVNULL)
        E[e]["db_compact_bytes"] = size_of(comp)
        if e != "xapian":
            shutil.rmtree(comp, ignore_errors=True) if os.path.isdir(comp) else os.remove(comp)
    R["tables"] = {e: {f: os.path.getsize(os.path.join(os.path.realpath(dbs[e]), f))
                       for f in sorted(os.listdir(os.path.realpath(dbs[e]))) if f.endswith(".glass")}
                   for e in ("rapportsok", "xapian")}

    # ---- sync: nothing changed, then one paragraph edited
    log("[%s] sync: unchanged, then a one-paragraph edit" % name)
    rs = E["rapportsok"]
    dt, kb, out = timed([indexer, "--db", dbs["rapportsok"], "--json", text], rss)
    rs["sync_nochange_s"] = dt
    path, old, new = edit_one_paragraph(text)
    dt, kb, out = timed([indexer, "--db", dbs["rapportsok"], "--json", text], rss)
    rs["sync_edit_s"] = dt
    rs["sync_edit_rss_mb"] = kb / 1024.0
    rs["sync_edit_summary"] = json.loads(out.strip().splitlines()[-1])
    rs["sync_edit_file"] = os.path.relpath(path, text)
    rs["sync_edit_ratio"] = dt / rs["index_s"]

    # ---- cold search: a whole process per query; engines and floors interleaved
    floor_term = "Ztortyr" if a.synthetic else "Zlösenord"
    floors = {"/bin/true": ["/bin/true"],
              FLOOR: [tool("floor"), os.path.realpath(dbs["xapian"]), floor_term]}
    cold = {e: {q["name"]: [] for q in queries} for e in ENGINES}
    fl = {k: [] for k in floors}
    log("[%s] cold search: %d runs x %d queries x %d engines" % (name, a.cold_runs, len(queries), len(ENGINES)))
    for _ in range(a.cold_runs):
        for k, cmd in floors.items():
            fl[k].append(timed(cmd)[0])
        for q in queries:
            peer = [q["words"], q["phrase"], q["section"]]
            cmds = {"rapportsok": [searcher, "--db", dbs["rapportsok"], "--json", "--limit", "10", "--", q["rq"]],
                    "xapian": [tool("xapian_peer"), "cold", dbs["xapian"]] + peer,
                    "fts5": [tool("fts5_peer"), "cold", dbs["fts5"]] + peer}
            for e in ENGINES:
                cold[e][q["name"]].append(timed(cmds[e])[0])
    R["floors"] = fl
    floor_ms = 1000 * statistics.median(fl[FLOOR])
    for e in ENGINES:
        allc = [x for xs in cold[e].values() for x in xs]
        E[e]["cold_samples"] = cold[e]
        E[e]["cold_median_ms"] = 1000 * statistics.median(allc)
        E[e]["cold_p90_ms"] = 1000 * pct(allc, 90)
        E[e]["cold_above_floor_ms"] = E[e]["cold_median_ms"] - floor_ms
        E[e]["cold_per_query_ms"] = {k: 1000 * statistics.median(v) for k, v in cold[e].items()}
        # noise: relative spread (p90-p10)/median of the runs of one query, median over queries
        E[e]["cold_spread"] = statistics.median(
            (pct(v, 90) - pct(v, 10)) / statistics.median(v) for v in cold[e].values())

    # ---- warm search: in-process, database opened once; the engines take turns
    log("[%s] warm search: %d iterations of %d queries" % (name, a.warm_iters, len(queries)))
    rounds = max(1, min(WARM_ROUNDS, a.warm_iters))
    per = max(1, a.warm_iters // rounds)
    samples = {e: {q["name"]: [] for q in queries} for e in ENGINES}
    for _ in range(rounds):
        for e in ENGINES:
            if e == "rapportsok":
                cmd = [tool("warm_search"), dbs[e], qfile, str(per)]
            else:
                cmd = [tool(e + "_peer"), "warm", dbs[e], qfile, str(per)]
            out = json.loads(timed(cmd)[2])
            totals = out.pop("_totals", None)
            for k, v in out.items():
                samples[e][k].extend(v)
            if totals and e == "rapportsok":
                E[e]["totals"] = totals
    for e in ENGINES:
        allw = [x for xs in samples[e].values() for x in xs]
        E[e]["warm_median_ms"] = 1000 * statistics.median(allw)
        E[e]["warm_p99_ms"] = 1000 * pct(allw, 99)
        E[e]["warm_per_query_ms"] = {k: 1000 * statistics.median(v) for k, v in samples[e].items()}
    R["load_end"] = os.getloadavg()
    return R


# --------------------------------------------------------------------------- report

def ratio(rs, peer, higher_better=False):
    if not rs or not peer:
        return "–"
    f = rs / peer
    better = f > 1 if higher_better else f < 1
    factor = f if f >= 1 else 1 / f
    if factor < 1.05:
        return "≈ same"
    return "%.2f× %s" % (factor, "better" if better else "worse")


def fmt(v, spec):
    return "–" if v is None else spec % v


ROWS = [  # label, key, format, higher is better
    ("index throughput, MB/s", "index_mbs", "%.2f", True),
    ("index time, s", "index_s", "%.2f", False),
    ("db size, × text", "db_x", "%.2f", False),
    ("db compacted, × text", "dbc_x", "%.2f", False),
    ("indexer peak RSS, MB", "rss_mb", "%.0f", False),
    ("cold search median, ms", "cold_median_ms", "%.1f", False),
    ("cold above the C floor, ms", "cold_above_floor_ms", "%.1f", False),
    ("cold search p90, ms", "cold_p90_ms", "%.1f", False),
    ("warm search median, ms", "warm_median_ms", "%.3f", False),
    ("warm search p99, ms", "warm_p99_ms", "%.3f", False),
]


def table(R):
    E = R["engines"]
    for e in ENGINES:
        E[e]["db_x"] = E[e]["db_bytes"] / R["bytes"]
        E[e]["dbc_x"] = E[e]["db_compact_bytes"] / R["bytes"]
    out = []
    out.append("== %s: %d files, %.2f MB of text, %d passages (mean %.0f bytes) ==" % (
        R["set"], R["files"], R["bytes"] / 1e6, R["passages"], R["passage_bytes_mean"]))
    out.append("   (%s)" % R["source"])
    out.append("   load average at the start %.1f %.1f %.1f, at the end %.1f %.1f %.1f" % (
        tuple(R["load_start"]) + tuple(R["load_end"])))
    vs = ["vs " + NAMES[e] for e in ENGINES[1:]]
    hdr = "%-27s %12s %12s %12s   %-16s %-16s" % (("",) + tuple(NAMES[e] for e in ENGINES) + tuple(vs))
    out.append(hdr)
    out.append("-" * len(hdr))
    for label, key, spec, hb in ROWS:
        vals = [E[e].get(key) for e in ENGINES]
        out.append("%-27s %12s %12s %12s   %-16s %-16s" % (
            label, fmt(vals[0], spec), fmt(vals[1], spec), fmt(vals[2], spec),
            ratio(vals[0], vals[1], hb), ratio(vals[0], vals[2], hb)))
    rs = E["rapportsok"]
    s = rs["sync_edit_summary"].get("passages", {})
    out.append("%-27s %12.3f %12s %12s   (full index %.2f s: edit sync = %.2f%% of it; "
               "passages updated %s, added %s, removed %s)" % (
                   "one-paragraph edit sync, s", rs["sync_edit_s"], "rebuild", "rebuild",
                   rs["index_s"], 100 * rs["sync_edit_ratio"], s.get("updated"), s.get("added"), s.get("removed")))
    out.append("%-27s %12.3f" % ("unchanged sync, s", rs["sync_nochange_s"]))
    fl = R["floors"]
    out.append("cold floors (median, p10–p90 ms): " + "; ".join(
        "%s %.1f (%.1f–%.1f)" % (k, 1000 * statistics.median(v), 1000 * pct(v, 10), 1000 * pct(v, 90))
        for k, v in fl.items()))
    names = " / ".join(NAMES[e] for e in ENGINES)
    out.append("cold per query (median ms, %s; rapportsök ÷ Xapian): " % names + "; ".join(
        "%s %.1f/%.1f/%.1f %.2f×" % (q, E["rapportsok"]["cold_per_query_ms"][q], E["xapian"]["cold_per_query_ms"][q],
                                     E["fts5"]["cold_per_query_ms"][q],
                                     E["rapportsok"]["cold_per_query_ms"][q] / E["xapian"]["cold_per_query_ms"][q])
        for q in E["rapportsok"]["cold_per_query_ms"]))
    out.append("warm per query (median ms, %s): " % names + "; ".join(
        "%s %.3f/%.3f/%.3f" % (q, E["rapportsok"]["warm_per_query_ms"][q], E["xapian"]["warm_per_query_ms"][q],
                               E["fts5"]["warm_per_query_ms"][q]) for q in E["rapportsok"]["warm_per_query_ms"]))
    if "totals" in rs:
        out.append("rapportsök matches per query: " + ", ".join("%s %d" % kv for kv in rs["totals"].items()))
    for e, t in R.get("tables", {}).items():
        out.append("%s tables, MB: " % NAMES[e] + ", ".join(
            "%s %.1f" % (f[:-6], b / 1e6) for f, b in t.items() if b >= 1e5))
    return "\n".join(out)


def families(results):
    """The sets as families of sizes: {"": [10MB, 50MB], "-report": [...]} by suffix."""
    fam = {}
    for R in results:
        size, _, suffix = R["set"].partition("-")
        fam.setdefault(suffix, []).append(R)
    return fam


def growth(results):
    out = ["== growth (each value, then the factor from the previous set of its family) =="]
    keys = [("index time, s", "index_s", "%.2f"), ("db compacted, MB", "db_compact_mb", "%.1f"),
            ("indexer peak RSS, MB", "rss_mb", "%.0f"), ("cold median, ms", "cold_median_ms", "%.1f"),
            ("warm median, ms", "warm_median_ms", "%.3f"), ("warm p99, ms", "warm_p99_ms", "%.3f"),
            ("edit sync, s", "sync_edit_s", "%.3f")]
    for suffix, rs in families(results).items():
        out.append("%-14s %-22s " % ("engine", "metric") + " ".join("%18s" % R["set"] for R in rs))
        for e in ENGINES:
            for label, key, spec in keys:
                row, prev = [], None
                for R in rs:
                    E = R["engines"][e]
                    E["db_compact_mb"] = E["db_compact_bytes"] / 1e6
                    v = E.get(key)
                    cell = "–" if v is None else spec % v
                    if v is not None and prev:
                        cell += " (×%.1f)" % (v / prev)
                    row.append("%18s" % cell)
                    prev = v
                if any(c.strip() != "–" for c in row):
                    out.append("%-14s %-22s " % (NAMES[e], label) + " ".join(row))
        out.append("%-14s %-22s " % ("(text)", "MB") + " ".join("%18.1f" % (R["bytes"] / 1e6) for R in rs))
    return "\n".join(out)


def targets(results, queries):
    """Issue 16's targets, each a ratio of this run, per family of sets: on its smaller set
    (10 MB) unless said, the warm p99 and the growth at its larger (50 MB)."""
    out = ["== targets (issue 16), rapportsök against the peers of the same run =="]
    for suffix, rs in families(results).items():
        small, big = rs[0], rs[-1]
        S, B = small["engines"], big["engines"]
        rows = []
        f = S["rapportsok"]["index_mbs"] / S["xapian"]["index_mbs"]
        rows.append(("indexing ≥ 1.5× as fast as Xapian (%s)" % small["set"], f >= 1.5, "%.2f×" % f))
        f = S["rapportsok"]["db_bytes"] / S["xapian"]["db_compact_bytes"]
        rows.append(("database ≤ 1.2× Xapian's compacted (%s)" % small["set"], f <= 1.2,
                     "%.2f× (%.1f MB against %.1f MB)" % (f, S["rapportsok"]["db_bytes"] / 1e6,
                                                         S["xapian"]["db_compact_bytes"] / 1e6)))
        per_kind = {}
        for q in queries:
            r = S["rapportsok"]["cold_per_query_ms"][q["name"]] / S["xapian"]["cold_per_query_ms"][q["name"]]
            per_kind.setdefault(kind(q), []).append((q["name"], r))
        for k, qs in per_kind.items():
            worst = max(r for _, r in qs)
            rows.append(("cold ≤ 1.3× Xapian, %s (%s)" % (k, small["set"]), worst <= 1.3,
                         ", ".join("%s %.2f×" % (n, r) for n, r in qs)))
        f = S["rapportsok"]["warm_median_ms"] / S["fts5"]["warm_median_ms"]
        rows.append(("warm median ≤ 2× FTS5 (%s)" % small["set"], f <= 2,
                     "%.2f× (%.3f ms against %.3f ms)" % (f, S["rapportsok"]["warm_median_ms"],
                                                         S["fts5"]["warm_median_ms"])))
        if big is not small:
            f = B["rapportsok"]["warm_median_ms"] / B["fts5"]["warm_median_ms"]
            rows.append(("warm median ≤ 2× FTS5 (%s)" % big["set"], f <= 2,
                         "%.2f× (%.3f ms against %.3f ms)" % (f, B["rapportsok"]["warm_median_ms"],
                                                             B["fts5"]["warm_median_ms"])))
        p99 = B["rapportsok"]["warm_p99_ms"]
        rows.append(("warm p99 ≤ 3 ms (%s)" % big["set"], p99 <= 3, "%.3f ms" % p99))
        if big is not small:
            g = B["rapportsok"]["warm_median_ms"] / S["rapportsok"]["warm_median_ms"]
            gx = B["xapian"]["warm_median_ms"] / S["xapian"]["warm_median_ms"]
            gf = B["fts5"]["warm_median_ms"] / S["fts5"]["warm_median_ms"]
            rows.append(("warm median grows ≤ 2× (%s → %s)" % (small["set"], big["set"]), g <= 2,
                         "×%.2f (Xapian ×%.2f, FTS5 ×%.2f)" % (g, gx, gf)))
        sync = B["rapportsok"]["sync_edit_ratio"]
        rows.append(("edit sync ≤ 1%% of a full build (%s)" % big["set"], sync <= 0.01,
                     "%.2f%% (%.3f s of %.2f s)" % (100 * sync, B["rapportsok"]["sync_edit_s"],
                                                    B["rapportsok"]["index_s"])))
        for label, ok, val in rows:
            out.append("  %-4s %-46s %s" % ("ok" if ok else "MISS", label, val))
    return "\n".join(out)


def noise(results):
    out = ["== noise of this machine =="]
    for R in results:
        fl = R["floors"]
        parts = []
        for k in ("/bin/true", FLOOR):
            v = fl[k]
            parts.append("%s p10–p90 %.2f–%.2f ms" % (k, 1000 * pct(v, 10), 1000 * pct(v, 90)))
        parts.append("cold runs of one query, (p90−p10)/median: " + ", ".join(
            "%s %.0f%%" % (NAMES[e], 100 * R["engines"][e]["cold_spread"]) for e in ENGINES))
        out.append("  %s: %s" % (R["set"], "; ".join(parts)))
        reps = R["engines"]["rapportsok"]["index_s_all"]
        if len(reps) > 1:
            out.append("  %s: indexing repeated %d times, (max−min)/median: %s" % (R["set"], len(reps), ", ".join(
                "%s %.0f%%" % (NAMES[e], 100 * (max(R["engines"][e]["index_s_all"]) - min(R["engines"][e]["index_s_all"]))
                               / statistics.median(R["engines"][e]["index_s_all"])) for e in ENGINES)))
    return "\n".join(out)


# --------------------------------------------------------------------------- shards (--shards)

SHARD_COUNTS = (1, 2, 4)


def shard_of(rel, n):
    """A report's shard: a stable hash of its path within the set (crc32), modulo n."""
    return zlib.crc32(rel.encode("utf-8")) % n


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ShardServer:
    """One shard served read-only on 127.0.0.1 by scripts/shards serve (xapian-tcpsrv), in a
    process group of its own (the server forks one process per connection)."""

    def __init__(self, root, db, log_path):
        for _ in range(5):
            self.port = free_port()
            self.log = open(log_path, "wb")
            self.proc = subprocess.Popen(
                [os.path.join(root, "scripts", "shards"), "serve", "--listen",
                 "127.0.0.1:%d" % self.port, db], stdout=self.log, stderr=subprocess.STDOUT,
                start_new_session=True)
            end = time.time() + 20
            while time.time() < end:
                if b"Listening" in open(log_path, "rb").read():
                    return
                if self.proc.poll() is not None:  # the port was taken meanwhile
                    break
                time.sleep(0.02)
            self.stop()
        raise RuntimeError("xapian-tcpsrv did not start for %s: %s" % (db, open(log_path).read()[-500:]))

    def address(self):
        return "127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()


def measure_shards(a, name, queries, qfile):
    """Search latency over 1, 2 and 4 shards, local and behind xapian-tcpsrv on loopback,
    against one database of the same passages (each shard indexed by the same indexer from the
    reports the stable hash gives it). Cold: a whole searcher process per query; warm: through
    one SearchEngine (warm_search). The configurations take turns, run by run."""
    tool = lambda t: os.path.join(a.tools, t)
    indexer, searcher = tool("indexer"), tool("searcher")
    shards_script = os.path.join(a.root, "scripts", "shards")
    work = os.path.join(a.out, name + "-shards")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = os.path.join(work, "text")
    shutil.copytree(os.path.join(a.sets_dir, name), text)
    source = open(os.path.join(text, "SOURCE")).read().strip()
    os.remove(os.path.join(text, "SOURCE"))
    files = sorted(os.path.relpath(os.path.join(dp, f), text) for dp, _, fs in os.walk(text)
                   for f in fs if f.endswith(".txt"))
    nbytes = sum(os.path.getsize(os.path.join(text, f)) for f in files)
    R = dict(set=name, source=source, files=len(files), bytes=nbytes, queries=len(queries),
             load_start=os.getloadavg())
    log("[%s shards] %d files, %.2f MB: one database" % (name, len(files), nbytes / 1e6))
    one = os.path.join(work, "one.db")
    dt, _, out = timed([indexer, "--db", one, "--json", "--quiet"] + files, cwd=text)
    R["index_one_s"] = dt
    R["passages"] = json.loads(out.strip().splitlines()[-1]).get("passages", {}).get("added")
    layouts = {1: [one]}
    R["shard_passages"], R["index_shards_s"] = {}, {}
    for n in SHARD_COUNTS[1:]:
        groups = [[f for f in files if shard_of(f, n) == k] for k in range(n)]
        dbs, counts, t = [], [], 0.0
        for k, group in enumerate(groups):
            db = os.path.join(work, "s%d-%d.db" % (n, k))
            log("[%s shards] %d shards: shard %d, %d files" % (name, n, k, len(group)))
            if not group:
                raise RuntimeError("%s: shard %d of %d holds no report" % (name, k, n))
            dt, _, out = timed([indexer, "--db", db, "--json", "--quiet"] + group, cwd=text)
            t += dt
            counts.append(json.loads(out.strip().splitlines()[-1]).get("passages", {}).get("added"))
            dbs.append(db)
        layouts[n] = dbs
        R["shard_passages"][str(n)] = counts
        R["index_shards_s"][str(n)] = t

    servers = []
    try:
        configs = [("one database", one)]
        for n in SHARD_COUNTS:
            stub = os.path.join(work, "local-%d.stub" % n)
            subprocess.run([shards_script, "stub", stub] + layouts[n], check=True)
            configs.append(("%d local shard%s" % (n, "s" if n > 1 else ""), stub))
        for n in SHARD_COUNTS:
            addrs = []
            for k, db in enumerate(layouts[n]):
                servers.append(ShardServer(a.root, db, os.path.join(work, "tcpsrv-%d-%d.log" % (n, k))))
                addrs.append(servers[-1].address())
            stub = os.path.join(work, "remote-%d.stub" % n)
            subprocess.run([shards_script, "stub", stub] + addrs, check=True)
            configs.append(("%d remote shard%s" % (n, "s" if n > 1 else ""), stub))
        R["configs"] = [c for c, _ in configs]

        log("[%s shards] cold search: %d runs x %d queries x %d configurations"
            % (name, a.cold_runs, len(queries), len(configs)))
        cold = {c: [] for c, _ in configs}
        for _ in range(a.cold_runs):
            for q in queries:
                for c, db in configs:
                    cold[c].append(timed([searcher, "--db", db, "--json", "--strict", "--limit", "10",
                                          "--", q["rq"]])[0])
        log("[%s shards] warm search: %d iterations of %d queries x %d configurations"
            % (name, a.warm_iters, len(queries), len(configs)))
        rounds = max(1, min(WARM_ROUNDS, a.warm_iters))
        per = max(1, a.warm_iters // rounds)
        warm = {c: [] for c, _ in configs}
        totals = {}
        for _ in range(rounds):
            for c, db in configs:
                out = json.loads(timed([tool("warm_search"), db, qfile, str(per)])[2])
                totals[c] = out.pop("_totals", None)
                for v in out.values():
                    warm[c].extend(v)
        # What each configuration finds: exact counts (searcher -c), against one database's.
        counts = {c: {q["name"]: int(timed([searcher, "--db", db, "--strict", "-c", "--", q["rq"]])[2] or 0)
                      for q in queries} for c, db in configs}
    finally:
        for s in servers:
            s.stop()
    R["totals"] = totals
    R["counts"] = counts
    R["latency"] = {c: dict(cold_median_ms=1000 * statistics.median(cold[c]),
                            cold_p99_ms=1000 * pct(cold[c], 99),
                            warm_median_ms=1000 * statistics.median(warm[c]),
                            warm_p99_ms=1000 * pct(warm[c], 99),
                            cold_n=len(cold[c]), warm_n=len(warm[c])) for c in cold}
    R["load_end"] = os.getloadavg()
    return R


def shards_table(R):
    out = ["== %s over shards: %d files, %.2f MB of text, %d passages ==" % (
        R["set"], R["files"], R["bytes"] / 1e6, R["passages"] or 0)]
    out.append("   (%s)" % R["source"])
    out.append("   shards' passages: " + "; ".join("%s shards %s" % (n, "/".join(str(x) for x in c))
                                                  for n, c in R["shard_passages"].items()))
    out.append("   load average at the start %.1f %.1f %.1f, at the end %.1f %.1f %.1f" % (
        tuple(R["load_start"]) + tuple(R["load_end"])))
    L = R["latency"]
    base = L["one database"]
    hdr = "%-20s %12s %12s %12s %12s   %-8s %-8s" % ("", "cold median", "cold p99", "warm median",
                                                     "warm p99", "cold ÷", "warm ÷")
    out.append(hdr + "  (ms; ÷: median against one database)")
    out.append("-" * len(hdr))
    for c in R["configs"]:
        v = L[c]
        out.append("%-20s %12.1f %12.1f %12.3f %12.3f   %-8s %-8s" % (
            c, v["cold_median_ms"], v["cold_p99_ms"], v["warm_median_ms"], v["warm_p99_ms"],
            "%.2f×" % (v["cold_median_ms"] / base["cold_median_ms"]),
            "%.2f×" % (v["warm_median_ms"] / base["warm_median_ms"])))
    ref = R["counts"]["one database"]
    differ = ["%s %s: %d" % (c, q, R["counts"][c][q]) for c in R["configs"] for q in ref
              if R["counts"][c][q] != ref[q]]
    out.append("matches per query (searcher -c), one database: " + ", ".join("%s %d" % kv for kv in ref.items()))
    out.append("matches, the same in every configuration: " + (
        "yes" if not differ else "no, " + "; ".join(differ) + " (see the notes)"))
    out.append("samples per configuration: cold %d (%d runs x %d queries), warm %d" % (
        base["cold_n"], base["cold_n"] // R["queries"], R["queries"], base["warm_n"]))
    return "\n".join(out)


SHARD_NOTES = """notes:
- each configuration holds the same passages: "one database" is the indexer's database of the
  whole set; N shards are N databases, each the indexer's of the reports a stable hash of their
  path gives it (crc32 modulo N); "1 local shard" is the one database through a stub file.
- local: a stub file of `auto PATH` lines (scripts/shards stub); remote: each shard served by its
  own xapian-tcpsrv on 127.0.0.1 (scripts/shards serve), a stub of `remote HOST:PORT` lines.
- cold = one searcher process per query (`searcher --db STUB --json --strict --limit 10`): it
  opens every shard (connects, for a remote one), searches and exits; warm = through one
  SearchEngine that keeps its shards open (scripts/bench.d/warm_search.cc), top 10 with snippets
  and facets, every expansion on. The configurations take turns, query by query (cold) and in 4
  turns (warm), so that the machine's drift hits all alike.
- matches: a shard indexed apart can split a compound otherwise than one database does (the
  indexer's decompounder learns the words of the reports indexed before it in the same run), so
  a count may differ by a passage or a few; searching split databases of the same documents
  gives exactly one database's answers (tests/test_shards.cc)."""


NOTES = """notes:
- same passages: the peers index what `indexer --dry-run --json` finds (one JSON line a passage,
  read from a file); rapportsök reads the raw report text and cleans it, so its index time
  includes the cleaning, structure finding, compound splitting and spelling data the peers are
  spared. rapportsök's full build uses both cores; the peers write from one thread, as a plain
  Xapian or SQLite program does.
- the peers (scripts/bench.d): Xapian (C++) is xapian_peer.cc, a TermGenerator with the Swedish
  stemmer and positions, one document a passage, the section as a boolean term, file and text as
  data, searched through a QueryParser (OR, phrases, STEM_SOME), top 10 with MSet::snippet();
  FTS5 (C) is fts5_peer.cc, SQLite's C API, unicode61 (no stemming, diacritics kept), top 10
  ORDER BY rank with snippet(), no total count. Several-word queries are ORed in all three.
- database: rapportsök's as written (its full build ends compacted), the peers' as written and
  compacted (xapian-compact; FTS5 'optimize' and VACUUM).
- cold search = one whole process per query, started and waited for by python (spawn overhead
  included for every engine alike, see the /bin/true floor); the C floor is a process that links
  libxapian and ICU, opens the Xapian peer's database and reads one term.
- warm search = top 10 with snippets, database opened once; rapportsök through SearchEngine
  (scripts/bench.d/warm_search.cc: every expansion on, facets, exact totals up to 500 matches).
  The warm iterations run in 4 turns, the engines taking turns.
- edit sync: one word of one paragraph line changed in one file, then `indexer` run again on the
  same database and paths; the peers have no sync (a changed file means a rebuild).
- ratios: "N× better/worse" is rapportsök against that peer, on the same machine in the same run."""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--sets-dir", required=True)
    ap.add_argument("--sets", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cold-runs", type=int, default=20)
    ap.add_argument("--warm-iters", type=int, default=200)
    ap.add_argument("--index-reps", type=int, default=3)
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--shards", action="store_true", help="the latency table over shards only")
    ap.add_argument("--command", default="scripts/bench")
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    a.sets = a.sets.split(",")
    os.makedirs(a.out, exist_ok=True)
    queries = read_queries(a.queries)
    results = []
    t_start, load_start = time.time(), os.getloadavg()
    for name in a.sets:
        results.append((measure_shards if a.shards else measure_set)(a, name, queries, a.queries))
        with open(os.path.join(a.out, "results.json"), "w") as fh:
            json.dump(results, fh, ensure_ascii=False, indent=1)
    uname = os.uname()
    head = ["rapportsök benchmark: %s" % a.command,
            "%s, %s %s, %d cores, %s; cold runs %d per query, warm iterations %d"
            % (time.strftime("%Y-%m-%d %H:%M"), uname.sysname, uname.release, os.cpu_count(),
               uname.machine, a.cold_runs, a.warm_iters),
            "build: " + a.note,
            "queries: " + "; ".join("%s = %s" % (q["name"], q["rq"]) for q in queries), ""]
    load_end = os.getloadavg()
    busy = ("  load average (1, 5, 15 min) at the start %.1f %.1f %.1f, at the end %.1f %.1f %.1f on %d cores; "
            "measuring took %.0f s" % (load_start + load_end + (os.cpu_count(), time.time() - t_start)))
    if max(load_start[1], load_end[1]) > 0.5 * os.cpu_count():
        busy += "\n  the machine was busy with other work during the run: absolute figures are pessimistic; ratios, measured interleaved or back to back, less so"
    if a.shards:
        report = "\n".join(head + [shards_table(R) + "\n" for R in results] + [busy, "", SHARD_NOTES])
    else:
        report = "\n".join(head + [table(R) + "\n" for R in results] + [growth(results), "", targets(results, queries), "",
                                                                        noise(results), busy, "", NOTES])
    with open(os.path.join(a.out, "report.txt"), "w") as fh:
        fh.write(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
