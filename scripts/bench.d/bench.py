#!/usr/bin/python3
"""The measuring half of scripts/bench (stdlib only). scripts/bench installs, builds, makes the
corpus and the sets, then runs:

    bench.py --root REPO --sets-dir DIR --sets 1MB,10MB,50MB --queries QUERIES.tsv
             --tools DIR --out RUN_DIR [--cold-runs 20] [--warm-iters 200] [--index-reps 3]

Per set, on the same passages (what `indexer --dry-run --json` finds, fed to the peers):
index throughput, database size (as written and compacted), indexer peak RSS (/usr/bin/time),
cold search (a whole process per query), warm search (in-process), and for rapportsök the sync
of a one-paragraph edit against a full index. Prints tables with ratios; RUN_DIR/results.json
keeps every sample.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time

PY = "/usr/bin/python3"
ENGINES = ["rapportsok", "xapian", "fts5"]
NAMES = {"rapportsok": "rapportsök", "xapian": "Xapian (py)", "fts5": "FTS5 (py)"}


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


def measure_set(a, name, queries, qfile):
    root = a.root
    indexer = os.path.join(a.tools, "indexer")    # snapshots of build/ taken by scripts/bench
    searcher = os.path.join(a.tools, "searcher")
    peers = os.path.join(root, "scripts/bench.d/peers.py")
    work = os.path.join(a.out, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = os.path.join(work, "text")
    shutil.copytree(os.path.join(a.sets_dir, name), text)
    source = open(os.path.join(text, "SOURCE")).read().strip()
    os.remove(os.path.join(text, "SOURCE"))
    files = [os.path.join(dp, f) for dp, _, fs in os.walk(text) for f in fs if f.endswith(".txt")]
    nbytes = sum(os.path.getsize(f) for f in files)
    R = dict(set=name, source=source, files=len(files), bytes=nbytes, engines={e: {} for e in ENGINES})
    E = R["engines"]
    log("[%s] %d files, %.2f MB: passages (indexer --dry-run --json)" % (name, len(files), nbytes / 1e6))
    jsonl = os.path.join(work, "passages.jsonl")
    with open(jsonl, "wb") as fh:
        subprocess.run([indexer, "--dry-run", "--json", text], stdout=fh, check=True)
    R["passages"] = sum(1 for _ in open(jsonl, "rb"))
    rss = os.path.join(work, "rss.txt")
    reps = a.index_reps if name == a.sets[0] else 1

    # ---- indexing, size, RSS
    dbs = {"rapportsok": os.path.join(work, "rs.db"), "xapian": os.path.join(work, "xp.db"),
           "fts5": os.path.join(work, "fts5.sqlite")}
    for e in ENGINES:
        walls, rsss = [], []
        for r in range(reps):
            db = dbs[e]
            if os.path.isdir(db):
                shutil.rmtree(db)
            elif os.path.exists(db):
                os.remove(db)
            for extra in os.listdir(work):  # generation folders of a rebuilt database
                if extra.startswith(os.path.basename(db) + "."):
                    shutil.rmtree(os.path.join(work, extra), ignore_errors=True)
            log("[%s] index %s (%d/%d)" % (name, NAMES[e], r + 1, reps))
            if e == "rapportsok":
                dt, kb, out = timed([indexer, "--db", db, "--json", text], rss)
                E[e]["summary"] = json.loads(out.strip().splitlines()[-1])
            else:
                dt, kb, out = timed([PY, peers, "index", e, db, jsonl], rss)
            walls.append(dt)
            rsss.append(kb)
        E[e]["index_s_all"] = walls
        E[e]["index_s"] = statistics.median(walls)
        E[e]["index_mbs"] = nbytes / 1e6 / E[e]["index_s"]
        E[e]["rss_mb"] = max(rsss) / 1024.0
        E[e]["db_bytes"] = size_of(dbs[e])
        comp = dbs[e] + ".compact"
        if e == "fts5":
            subprocess.run([PY, peers, "compact", e, dbs[e], comp], check=True)
        else:
            shutil.rmtree(comp, ignore_errors=True)
            subprocess.run(["xapian-compact", os.path.realpath(dbs[e]), comp], check=True,
                           stdout=subprocess.DEVNULL)
        E[e]["db_compact_bytes"] = size_of(comp)

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
    floors = {"/bin/true": ["/bin/true"],
              "C++ floor (libxapian+ICU, open, 1 term)": [os.path.join(a.tools, "floor"), dbs["xapian"], "Zlösenord"],
              "python3 -c pass": [PY, "-c", "pass"],
              "python3 import sqlite3": [PY, "-c", "import sqlite3"],
              "python3 import xapian": [PY, "-c", "import xapian"]}
    if a.synthetic:
        floors["C++ floor (libxapian+ICU, open, 1 term)"][-1] = "Ztortyr"
    cold = {e: {q["name"]: [] for q in queries} for e in ENGINES}
    fl = {k: [] for k in floors}
    log("[%s] cold search: %d runs x %d queries x %d engines" % (name, a.cold_runs, len(queries), len(ENGINES)))
    for _ in range(a.cold_runs):
        for k, cmd in floors.items():
            fl[k].append(timed(cmd)[0])
        for q in queries:
            cmds = {"rapportsok": [searcher, "--db", dbs["rapportsok"], "--json", "--limit", "10", "--", q["rq"]],
                    "xapian": [PY, peers, "cold", "xapian", dbs["xapian"], q["words"], q["phrase"], q["section"]],
                    "fts5": [PY, peers, "cold", "fts5", dbs["fts5"], q["words"], q["phrase"], q["section"]]}
            for e in ENGINES:
                cold[e][q["name"]].append(timed(cmds[e])[0])
    R["floors"] = fl
    for e in ENGINES:
        allc = [x for xs in cold[e].values() for x in xs]
        E[e]["cold_samples"] = cold[e]
        E[e]["cold_median_ms"] = 1000 * statistics.median(allc)
        E[e]["cold_p90_ms"] = 1000 * pct(allc, 90)
        E[e]["cold_per_query_ms"] = {k: 1000 * statistics.median(v) for k, v in cold[e].items()}
        # noise: relative spread (p90-p10)/median of the runs of one query, median over queries
        E[e]["cold_spread"] = statistics.median(
            (pct(v, 90) - pct(v, 10)) / statistics.median(v) for v in cold[e].values())

    # ---- warm search: in-process, database opened once
    log("[%s] warm search: %d iterations of %d queries" % (name, a.warm_iters, len(queries)))
    for e in ENGINES:
        if e == "rapportsok":
            cmd = [os.path.join(a.tools, "warm_search"), dbs[e], qfile, str(a.warm_iters)]
        else:
            cmd = [PY, peers, "warm", e, dbs[e], qfile, str(a.warm_iters)]
        out = json.loads(timed(cmd)[2])
        totals = out.pop("_totals", None)
        allw = [x for xs in out.values() for x in xs]
        E[e]["warm_median_ms"] = 1000 * statistics.median(allw)
        E[e]["warm_p99_ms"] = 1000 * pct(allw, 99)
        E[e]["warm_per_query_ms"] = {k: 1000 * statistics.median(v) for k, v in out.items()}
        if totals:
            E[e]["totals"] = totals
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
    out.append("== %s: %d files, %.2f MB of text, %d passages ==" % (R["set"], R["files"], R["bytes"] / 1e6, R["passages"]))
    out.append("   (%s)" % R["source"])
    hdr = "%-26s %12s %12s %12s   %-16s %-16s" % ("", NAMES["rapportsok"], NAMES["xapian"], NAMES["fts5"],
                                                  "vs Xapian (py)", "vs FTS5 (py)")
    out.append(hdr)
    out.append("-" * len(hdr))
    for label, key, spec, hb in ROWS:
        vals = [E[e].get(key) for e in ENGINES]
        out.append("%-26s %12s %12s %12s   %-16s %-16s" % (
            label, fmt(vals[0], spec), fmt(vals[1], spec), fmt(vals[2], spec),
            ratio(vals[0], vals[1], hb), ratio(vals[0], vals[2], hb)))
    rs = E["rapportsok"]
    s = rs["sync_edit_summary"].get("passages", {})
    out.append("%-26s %12.3f %12s %12s   (full index %.2f s: edit sync = %.2f%% of it; "
               "passages updated %s, added %s, removed %s)" % (
                   "one-paragraph edit sync, s", rs["sync_edit_s"], "rebuild", "rebuild",
                   rs["index_s"], 100 * rs["sync_edit_ratio"], s.get("updated"), s.get("added"), s.get("removed")))
    out.append("%-26s %12.3f" % ("unchanged sync, s", rs["sync_nochange_s"]))
    fl = R["floors"]
    out.append("cold floors (median, p10–p90 ms): " + "; ".join(
        "%s %.1f (%.1f–%.1f)" % (k, 1000 * statistics.median(v), 1000 * pct(v, 10), 1000 * pct(v, 90))
        for k, v in fl.items()))
    out.append("cold per query (median ms, rapportsök / Xapian py / FTS5 py): " + "; ".join(
        "%s %.1f/%.1f/%.1f" % (q, E["rapportsok"]["cold_per_query_ms"][q], E["xapian"]["cold_per_query_ms"][q],
                               E["fts5"]["cold_per_query_ms"][q]) for q in E["rapportsok"]["cold_per_query_ms"]))
    out.append("warm per query (median ms, rapportsök / Xapian py / FTS5 py): " + "; ".join(
        "%s %.3f/%.3f/%.3f" % (q, E["rapportsok"]["warm_per_query_ms"][q], E["xapian"]["warm_per_query_ms"][q],
                               E["fts5"]["warm_per_query_ms"][q]) for q in E["rapportsok"]["warm_per_query_ms"]))
    if "totals" in rs:
        out.append("rapportsök matches per query: " + ", ".join("%s %d" % kv for kv in rs["totals"].items()))
    return "\n".join(out)


def growth(results):
    out = ["== growth (each value, then the factor from the previous set) =="]
    keys = [("index time, s", "index_s", "%.2f"), ("db compacted, MB", "db_compact_mb", "%.1f"),
            ("indexer peak RSS, MB", "rss_mb", "%.0f"), ("cold median, ms", "cold_median_ms", "%.1f"),
            ("warm median, ms", "warm_median_ms", "%.3f"), ("warm p99, ms", "warm_p99_ms", "%.3f"),
            ("edit sync, s", "sync_edit_s", "%.3f")]
    sizes = [R["set"] for R in results]
    out.append("%-14s %-22s " % ("engine", "metric") + " ".join("%18s" % s for s in sizes))
    for e in ENGINES:
        for label, key, spec in keys:
            row, prev = [], None
            for R in results:
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
    text = [R["bytes"] / 1e6 for R in results]
    out.append("%-14s %-22s " % ("(text)", "MB") + " ".join("%18.1f" % t for t in text))
    return "\n".join(out)


def targets(results):
    by = {R["set"]: R["engines"]["rapportsok"] for R in results}
    big = "10MB" if "10MB" in by else results[-1]["set"]
    biggest = "50MB" if "50MB" in by else results[-1]["set"]
    rs, rb = by[big], by[biggest]
    rows = [
        ("indexing ≥ 5 MB/s (%s)" % big, rs["index_mbs"] >= 5, "%.2f MB/s" % rs["index_mbs"]),
        ("warm median ≤ 0.2 ms (%s)" % big, rs["warm_median_ms"] <= 0.2, "%.3f ms" % rs["warm_median_ms"]),
        ("warm p99 ≤ 1 ms (%s)" % big, rs["warm_p99_ms"] <= 1, "%.3f ms" % rs["warm_p99_ms"]),
        ("cold median ≤ 7 ms (%s)" % big, rs["cold_median_ms"] <= 7, "%.1f ms" % rs["cold_median_ms"]),
        ("db ≤ 5× text compacted (%s)" % big, rs["dbc_x"] <= 5,
         "%.2f× (as written %.2f×)" % (rs["dbc_x"], rs["db_x"])),
        ("indexer RSS ≤ 1 GB (%s)" % biggest, rb["rss_mb"] <= 1024, "%.0f MB" % rb["rss_mb"]),
        ("edit sync ≤ 1%% of full index (%s)" % biggest, rb["sync_edit_ratio"] <= 0.01,
         "%.2f%% (%.3f s of %.2f s)" % (100 * rb["sync_edit_ratio"], rb["sync_edit_s"], rb["index_s"])),
    ]
    out = ["== issue 6 targets, rapportsök =="]
    for label, ok, val in rows:
        out.append("  %-4s %-36s %s" % ("ok" if ok else "MISS", label, val))
    return "\n".join(out)


def noise(results):
    out = ["== noise of this machine =="]
    for R in results:
        fl = R["floors"]
        parts = []
        for k in ("/bin/true", "C++ floor (libxapian+ICU, open, 1 term)"):
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


NOTES = """notes:
- same passages: the peers index what `indexer --dry-run --json` finds (one JSON line a passage,
  read from a file); rapportsök reads the raw report text and cleans it, so its index time
  includes the PDF repair, structure finding and compound splitting the peers are spared.
- cold search = one whole process per query, started and waited for by python (spawn overhead
  included for every engine alike, see the /bin/true floor). For the peers that process is
  python3 opening the database: python start-up and `import xapian` dominate it (see the python
  floors), so cold ratios against the peers mostly measure python, not the engine.
- warm search = top 10 with snippets, database opened once; rapportsök through
  rapportsok::search() (scripts/bench.d/warm_search.cc, every expansion on, facets), Xapian with
  MSet.snippet(), FTS5 with snippet() ORDER BY rank (no total count). Peers in python.
- FTS5 has no stemming (unicode61, diacritics kept); several-word queries are ORed as in the others.
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
    ap.add_argument("--command", default="scripts/bench")
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    a.sets = a.sets.split(",")
    os.makedirs(a.out, exist_ok=True)
    queries = read_queries(a.queries)
    results = []
    t_start, load_start = time.time(), os.getloadavg()
    for name in a.sets:
        results.append(measure_set(a, name, queries, a.queries))
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
    report = "\n".join(head + [table(R) + "\n" for R in results] + [growth(results), "", targets(results), "",
                                                                    noise(results), busy, "", NOTES])
    with open(os.path.join(a.out, "report.txt"), "w") as fh:
        fh.write(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
