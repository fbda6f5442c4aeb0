#!/usr/bin/python3
"""Prints every answer the searcher gives for a set of queries on one database, one JSON line per
query and way of asking (JSON, JSON with --exact, a later page, with context, text), so that two builds can be
compared byte for byte: a change that should not change results must leave this output identical.

    answers.py --searcher build/searcher/searcher --db DB [QUERIES.tsv ...] > answers.jsonl
    diff <(answers.py --searcher OLD ...) <(answers.py --searcher NEW ...)

QUERIES.tsv: the benchmark's files (name <TAB> query <TAB> ...; the default: both of
scripts/bench.d/queries-*.tsv) or files with a "# id<TAB>category<TAB>query" header line (the
relevance sets), whose "query" column is taken.
"""
import argparse, glob, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Each query is asked these ways: the JSON of the benchmark and the relevance report, the words
# as typed, a later page, the hits with their neighbours, and the text a person reads.
WAYS = [
    ["--json"],
    ["--json", "--exact"],
    ["--json", "--limit", "3", "--offset", "2"],
    ["--json", "--limit", "3", "--context", "1"],
    ["--color=never"],
]


def queries(path):
    column = 1
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"):
            names = [n.strip() for n in line.lstrip("#").split("\t")]
            if "query" in names:
                column = names.index("query")
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > column:
            yield fields[0], fields[column]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--searcher", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or sorted(glob.glob(os.path.join(HERE, "queries-*.tsv")))
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    for f in files:
        for name, query in queries(f):
            for way in WAYS:
                args = [a.searcher, "--db", a.db] + way + ["--", query]
                p = subprocess.run(args, capture_output=True, env=env)
                print(json.dumps({"file": os.path.basename(f), "name": name, "query": query,
                                  "args": way, "exit": p.returncode,
                                  "stdout": p.stdout.decode("utf-8", "replace"),
                                  "stderr": p.stderr.decode("utf-8", "replace")},
                                 ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
