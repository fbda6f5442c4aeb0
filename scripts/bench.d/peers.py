#!/usr/bin/python3
"""The peers rapportsök is measured against, on the very passages its indexer finds
(`indexer --dry-run --json`, one JSON object per passage):

  xapian  a plain Xapian set-up (python3-xapian): TermGenerator + Stem("swedish") with positions,
          one document per paragraph, the section number as a boolean term, the text as data;
          search with QueryParser (OR by default, phrases), top 10 with MSet.snippet()
  fts5    SQLite FTS5 (python's sqlite3), unicode61 tokenizer (no stemming, diacritics kept),
          one row per paragraph; search ORDER BY rank (bm25), top 10 with snippet()

    peers.py index ENGINE DB PASSAGES.jsonl      # prints seconds
    peers.py compact ENGINE DB OUT               # xapian: xapian-compact; fts5: optimize+VACUUM copy
    peers.py cold ENGINE DB WORDS PHRASE SECTION # one search, as a fresh process would do it
    peers.py warm ENGINE DB QUERIES.tsv ITERS    # prints JSON: per query, the seconds of each run

A query is (words, phrase 0/1, section or "-"), the same for every engine (queries.tsv).
"""
import sys


def fts5_match(words, phrase):
    quoted = ['"%s"' % w.replace('"', '""') for w in words.split()]
    return '"%s"' % words.replace('"', '""') if phrase else " OR ".join(quoted)


class Fts5:
    def __init__(self, db):
        import sqlite3
        self.con = sqlite3.connect(db)

    def search(self, words, phrase, section):
        sql = ("SELECT rowid, file, section, snippet(p, 0, '<b>', '</b>', '…', 16) FROM p "
               "WHERE p MATCH ?")
        args = [fts5_match(words, phrase)]
        if section != "-":
            sql += " AND section = ?"
            args.append(int(section))
        return self.con.execute(sql + " ORDER BY rank LIMIT 10", args).fetchall()


class Xap:
    def __init__(self, db):
        import xapian
        self.x = xapian
        self.db = xapian.Database(db)
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(xapian.Stem("swedish"))
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)
        self.qp.set_default_op(xapian.Query.OP_OR)
        self.enquire = xapian.Enquire(self.db)

    def search(self, words, phrase, section):
        x = self.x
        q = self.qp.parse_query('"%s"' % words if phrase else words,
                                x.QueryParser.FLAG_DEFAULT | x.QueryParser.FLAG_PHRASE)
        if section != "-":
            q = x.Query(x.Query.OP_FILTER, q, x.Query("XS" + section))
        self.enquire.set_query(q)
        mset = self.enquire.get_mset(0, 10)
        out = []
        for m in mset:
            text = m.document.get_data().decode("utf-8")
            out.append((m.docid, mset.snippet(text, 200, x.Stem("swedish"))))
        return mset.get_matches_estimated(), out


ENGINES = {"fts5": Fts5, "xapian": Xap}


def index(engine, db, passages):
    import json, os, time
    t0 = time.perf_counter()
    if engine == "fts5":
        import sqlite3
        if os.path.exists(db):
            os.remove(db)
        con = sqlite3.connect(db)
        con.execute("CREATE VIRTUAL TABLE p USING fts5(text, file UNINDEXED, section UNINDEXED, "
                    "tokenize = 'unicode61 remove_diacritics 0')")
        def rows():
            with open(passages, encoding="utf-8") as fh:
                for line in fh:
                    p = json.loads(line)
                    yield p["text"], p["file"], (p.get("section") or {}).get("number", 0)
        with con:
            con.executemany("INSERT INTO p(text, file, section) VALUES (?, ?, ?)", rows())
        con.close()
    else:
        import xapian
        wdb = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_stemmer(xapian.Stem("swedish"))
        with open(passages, encoding="utf-8") as fh:
            for line in fh:
                p = json.loads(line)
                doc = xapian.Document()
                tg.set_document(doc)
                tg.index_text(p["text"])
                doc.add_boolean_term("XS%d" % (p.get("section") or {}).get("number", 0))
                doc.set_data(json.dumps({"file": p["file"], "text": p["text"]}, ensure_ascii=False))
                wdb.add_document(doc)
        wdb.commit()
        wdb.close()
    print("%.6f" % (time.perf_counter() - t0))


def compact(engine, db, out):
    import os, shutil, subprocess
    if engine == "xapian":
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(["xapian-compact", "--no-renumber", db, out], check=True,
                       stdout=subprocess.DEVNULL)
    else:
        import sqlite3
        shutil.copyfile(db, out)
        con = sqlite3.connect(out)
        con.execute("INSERT INTO p(p) VALUES ('optimize')")
        con.commit()
        con.execute("VACUUM")
        con.close()


def warm(engine, db, queries, iters):
    import json, time
    e = ENGINES[engine](db)
    qs = [l.rstrip("\n").split("\t") for l in open(queries, encoding="utf-8") if l.strip()]
    times = {q[0]: [] for q in qs}
    for _ in range(int(iters)):
        for name, _rq, words, phrase, section in qs:
            t0 = time.perf_counter()
            e.search(words, phrase == "1", section)
            times[name].append(time.perf_counter() - t0)
    print(json.dumps(times))


def main():
    cmd, engine = sys.argv[1], sys.argv[2]
    if cmd == "cold":
        r = ENGINES[engine](sys.argv[3]).search(sys.argv[4], sys.argv[5] == "1", sys.argv[6])
        sys.stdout.write("%r\n" % (r,))
    elif cmd == "index":
        index(engine, sys.argv[3], sys.argv[4])
    elif cmd == "compact":
        compact(engine, sys.argv[3], sys.argv[4])
    elif cmd == "warm":
        warm(engine, sys.argv[3], sys.argv[4], sys.argv[5])


if __name__ == "__main__":
    main()
