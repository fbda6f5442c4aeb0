#!/usr/bin/python3
"""Makes the benchmark sets from the extracted corpus (or, without one, from corpus/).

    sets.py CORPUS_DIR SETS_DIR 1MB,10MB,50MB        # CORPUS_DIR/sv and CORPUS_DIR/asis
    sets.py CORPUS_DIR SETS_DIR 10MB-report,50MB-report --seed-lengths LENGTHS
    sets.py --synthetic SEED_DIR SETS_DIR 1MB         # no download possible: from the seed report

 1MB   files of CORPUS_DIR/sv (paragraphs that read as Swedish), in sha1(path) order, until
       10^6 bytes are reached
 10MB  the same from CORPUS_DIR/asis (Swedish documents as shipped), until 10^7 bytes
 50MB  the 10MB set and 4 varied copies of it (kopia-1 .. kopia-4): in each copy, the words of
       every text line are shuffled (a fixed seed per copy, file and line; the line's last word
       and the headings stay), so no copy is byte-identical and phrases differ, while the
       vocabulary and the layout stay those of real text
 10MB-report, 50MB-report
       report-shaped: the same text with its paragraphs joined to the seed report's passage
       lengths. The Debian help paragraphs average about 100 bytes, a report's about 450, and
       per-passage costs dominate the first. Within each top-level section, consecutive
       paragraphs are joined until the passage reaches a length drawn (fixed seed per file) from
       LENGTHS (one byte count a line: the seed's passages, `indexer --dry-run --json corpus`);
       the title and the top-level headings stay as they are, a sub-section's heading (most
       Debian sections hold one short paragraph) becomes the start of a passage's text. 50MB-report is 10MB-report and 4 varied copies, as 50MB.
 synthetic: the seed report's text lines shuffled the same way, copied until the size is reached

A set is rebuilt only when missing; SETS_DIR/<set>/SOURCE says how it was made.
"""
import hashlib, os, random, re, shutil, sys

SIZES = {"1MB": 10**6, "10MB": 10**7, "50MB": 5 * 10**7, "10MB-report": 10**7,
         "50MB-report": 5 * 10**7}
HEADING = re.compile(r"^\s*\d+(\.\d+)*\.?\s")
TOP_HEADING = re.compile(r"^\s*\d+\.?\s")


def txt_files(root):
    out = []
    for dp, _, fs in os.walk(root):
        for f in fs:
            if f.endswith(".txt"):
                out.append(os.path.relpath(os.path.join(dp, f), root))
    return sorted(out, key=lambda rel: hashlib.sha1(rel.encode()).hexdigest())


def vary(text, seed):
    """Shuffles the words of each text line except its last; headings, the title (first line)
    and the layout lines stay as they are."""
    out = []
    for n, line in enumerate(text.split("\n")):
        words = line.split()
        if n == 0 or len(words) < 3 or HEADING.match(line):
            out.append(line)
            continue
        head = words[:-1]
        random.Random("%s:%d" % (seed, n)).shuffle(head)
        out.append(" ".join(head + words[-1:]) + (" " if line.endswith(" ") else ""))
    return "\n".join(out)


def join_paragraphs(text, lengths, rng):
    """The text with consecutive body paragraphs joined into passages of lengths drawn from
    lengths. The layout is extract.py's: every text line followed by an empty line, a line
    holding one space between paragraphs; a paragraph joined to the one before loses that line."""
    lines = text.split("\n")
    # Paragraphs as [first, last] line numbers of their text lines.
    paras, cur = [], None
    for n, line in enumerate(lines):
        if not line.strip():
            if line != "" and cur:  # the one-space line between paragraphs
                paras.append(cur)
                cur = None
            continue
        cur = [n, n] if cur is None else [cur[0], n]
    if cur:
        paras.append(cur)
    drop = set()  # the lines between two paragraphs joined into one passage
    size, target, prev = 0, 0, None
    for k, (a, b) in enumerate(paras):
        body = k > 0 and not TOP_HEADING.match(lines[a])
        length = sum(len(lines[n].strip().encode()) + 1 for n in range(a, b + 1))
        if body and prev is not None and size < target:
            drop.update(range(prev + 1, a - 1))  # keep one empty line: the text runs on
            size += length
        elif body:
            size, target = length, rng.choice(lengths)
        else:
            size, target = 0, 0
        prev = b if body else None
    return "\n".join(line for n, line in enumerate(lines) if n not in drop)


def write(path, text):
    """Writes text to path (folders made as needed); returns its size in bytes."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return len(text.encode())


def subset(src, dst, target):
    total = 0
    for rel in txt_files(src):
        if total >= target:
            break
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(src, rel), os.path.join(dst, rel))
        total += os.path.getsize(os.path.join(src, rel))
    return total


def make(name, corpus, sets, synthetic, lengths=None):
    dst = os.path.join(sets, name)
    if os.path.exists(os.path.join(dst, "SOURCE")):
        return
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    target = SIZES[name]
    if synthetic:
        seeds = [(rel, open(os.path.join(corpus, rel), encoding="utf-8").read()) for rel in txt_files(corpus)]
        total, k = 0, 0
        while total < target:
            k += 1
            for rel, text in seeds:
                body = vary(text, "syn%d:%s" % (k, rel)) if k > 1 else text
                total += write(os.path.join(tmp, "kopia-%03d" % k, os.path.basename(rel)), body)
        how = ("SYNTHETIC (--synthetic, or no Debian corpus could be downloaded): the seed "
               "report in corpus/ copied %d times, each copy after the first with the words of every text line "
               "shuffled; %d bytes" % (k, total))
    elif name == "10MB-report":
        if not lengths:
            sys.exit("sets.py: %s needs --seed-lengths" % name)
        make("10MB", corpus, sets, False)
        base = os.path.join(sets, "10MB")
        total = 0
        for rel in txt_files(base):
            text = open(os.path.join(base, rel), encoding="utf-8").read()
            total += write(os.path.join(tmp, rel), join_paragraphs(text, lengths, random.Random(rel)))
        how = ("the 10MB set with its paragraphs joined, within top-level sections, to passages of the "
               "seed report's lengths (%d passages, mean %.0f bytes); %d bytes"
               % (len(lengths), sum(lengths) / len(lengths), total))
    elif name in ("50MB", "50MB-report"):
        small = name.replace("50MB", "10MB")
        make(small, corpus, sets, False, lengths)
        base = os.path.join(sets, small)
        total = 0
        for k in range(5):
            for rel in txt_files(base):
                text = open(os.path.join(base, rel), encoding="utf-8").read()
                if k:
                    text = vary(text, "kopia%d:%s" % (k, rel))
                    rel = os.path.join("kopia-%d" % k, rel)
                total += write(os.path.join(tmp, rel), text)
        how = ("the " + small + " set and 4 copies of it (kopia-1..kopia-4) in which the words of every "
               "text line are shuffled (fixed seed per copy, file and line; the last word of the "
               "line and headings kept): not byte-identical, same vocabulary and layout; "
               "%d bytes" % total)
    else:
        src = os.path.join(corpus, "sv" if name == "1MB" else "asis")
        total = subset(src, tmp, target)
        how = ("files of %s (%s) in sha1(path) order until %d bytes; %d bytes"
               % (src, "Swedish paragraphs only" if name == "1MB" else
                  "Swedish documents as shipped, untranslated English paragraphs kept",
                  target, total))
    with open(os.path.join(tmp, "SOURCE"), "w") as fh:
        fh.write(how + "\n")
    shutil.rmtree(dst, ignore_errors=True)
    os.rename(tmp, dst)
    print("  set %s: %s" % (name, how), file=sys.stderr)


def main():
    args = sys.argv[1:]
    synthetic = args[0] == "--synthetic"
    if synthetic:
        args = args[1:]
    lengths = None
    if "--seed-lengths" in args:
        at = args.index("--seed-lengths")
        lengths = [int(x) for x in open(args[at + 1]).read().split()]
        del args[at:at + 2]
    corpus, sets, names = args[0], args[1], args[2].split(",")
    os.makedirs(sets, exist_ok=True)
    for name in names:
        make(name, corpus, sets, synthetic, lengths)


if __name__ == "__main__":
    main()
