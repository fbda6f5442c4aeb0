#!/usr/bin/python3
"""Turns the Swedish documentation unpacked by corpus.sh into report-shaped plain text.

    extract.py EXTRACT_DIR OUT_DIR

Writes OUT_DIR/sv/<pkg>/<pkg>-NNNN.txt (paragraphs that read as Swedish) and OUT_DIR/asis/...
(the same documents as shipped, untranslated English fallback paragraphs kept), about 32 KB a
file, laid out like the seed report (corpus/): every text line followed by an empty line, a line
holding one space between paragraphs, numbered sections "N. Title" and "N.M Title".
Stdlib only; man pages are rendered with groff (groff-base).
"""
import gzip, hashlib, html, os, re, shutil, subprocess, sys, textwrap, unicodedata
from html.parser import HTMLParser

# Function words that tell Swedish from English (the two sets share no word).
SV_WORDS = set("""och att det som en på är av för med till den har de inte om ett du kan eller när
från vid så men var dig din ditt denna detta dessa under alla ska måste finns också sig sin sitt
efter hur vilka vilket vilken där mer bara andra annan nya man vara blir används kommer då ut
upp här hos mot utan genom sedan än eftersom även dock samt mellan kunna några inom""".split())
EN_WORDS = set("""the and of to is that for you with are this be it as on can or by from not if
which will your have use when these more used there into only was were has been would should
their they what how also such other any than then each about may using see click select choose
opens shows displays allows enables sets press type include enter""".split())
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def swedish(text):
    words = [w.lower() for w in WORD.findall(text)]
    sv = sum(w in SV_WORDS for w in words)
    en = sum(w in EN_WORDS for w in words)
    if en > sv:
        return False
    return sv > 0 or len(words) < 5 or bool(re.search("[åäöÅÄÖ]", text))


def clean(text):
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"[\s\u00a0\u2000-\u200b\u202f]+", " ", text).strip()


BLOCK_TAGS = set("""p div li dt dd td th tr br pre blockquote section table ul ol dl para
simpara listitem entry term note tip warning caution important caption figure desc item steps
list row title h1 h2 h3 h4 h5 h6 page chapter sect1 sect2 sect3 sect4 article hr example
formalpara variablelist itemizedlist orderedlist procedure step glossentry glossdef""".split())
SECTION_TAGS = {"page", "section", "chapter", "sect1", "sect2", "sect3", "sect4", "appendix",
                "preface", "article", "book", "part", "refentry", "refsect1", "refsect2"}
SKIP_TAGS = {"script", "style", "head", "nav", "header", "footer", "aside", "noscript", "info",
             "indexterm", "bookinfo", "articleinfo", "chapterinfo", "authorgroup", "pre",
             "screen", "programlisting", "code-block", "synopsis", "cmdsynopsis", "svg", "math",
             "select", "button", "textarea", "revhistory", "legalnotice", "iframe", "object"}
SKIP_CLASSES = {"navheader", "navfooter", "docnav", "toc", "navigation", "breadcrumbs",
                "index", "footnotes", "debug"}
VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr",
             "imagedata", "xi:include", "anchor", "colspec"}


class Blocks(HTMLParser):
    """Paragraph and heading blocks of an HTML, DocBook or Mallard file: (level, text), level 0
    a paragraph, 1..6 a heading."""

    def __init__(self, xml, root_id=None):
        super().__init__(convert_charrefs=True)
        self.xml, self.root_id = xml, root_id
        self.inside_root = root_id is None
        self.root_depth = 0
        self.stack, self.skip_depth = [], 0
        self.buf, self.link_chars, self.in_link = [], 0, 0
        self.heading = 0
        self.blocks = []

    def flush(self):
        text = clean("".join(self.buf))
        links, self.buf, self.link_chars = self.link_chars, [], 0
        if text and not (self.heading == 0 and links >= len(text) - 2):  # a list of links
            self.blocks.append((self.heading, text))

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag not in VOID_TAGS:
            self.stack.append(tag)
        if self.skip_depth:
            if tag not in VOID_TAGS:
                self.skip_depth += 1
            return
        if not self.inside_root:
            if a.get("id") == self.root_id:
                self.inside_root, self.root_depth = True, len(self.stack)
            return
        classes = set(a.get("class", "").lower().split())
        if tag not in VOID_TAGS and (tag in SKIP_TAGS or classes & SKIP_CLASSES
                                     or (not self.xml and tag == "title")):
            self.flush()
            self.skip_depth = 1
            return
        if tag in BLOCK_TAGS:
            self.flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = int(tag[1])
        elif tag == "title" and self.xml:
            depth = sum(t in SECTION_TAGS for t in self.stack)
            self.heading = max(1, min(6, depth)) if depth else 1
        elif tag == "a":
            self.in_link += 1

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i] == tag:
                    del self.stack[i:]
                    break
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if not self.inside_root:
            return
        if self.root_id and len(self.stack) < self.root_depth:
            self.flush()
            self.inside_root = False
            return
        if tag in BLOCK_TAGS:
            self.flush()
            self.heading = 0
        if tag == "a" and self.in_link:
            self.in_link -= 1

    def handle_data(self, data):
        if self.inside_root and not self.skip_depth:
            self.buf.append(data)
            if self.in_link:
                self.link_chars += len(data.strip())


def read(path):
    raw = open(path, "rb").read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:4000])
    for enc in ([m.group(1).decode()] if m else []) + ["utf-8", "cp1252"]:
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            pass
    return raw.decode("utf-8", "replace")


def markup_blocks(path, xml, root_id):
    text = read(path)
    if xml:  # DocBook entities and comments
        text = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", text, flags=re.S)
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        text = re.sub(r"&([A-Za-z][\w.-]*);",
                      lambda m: m.group(0) if m.group(1) in html.entities.name2codepoint
                      else {"kstars": "KStars", "kde": "KDE"}.get(m.group(1).lower(), ""), text)
    p = Blocks(xml, root_id)
    p.feed(text)
    p.close()
    p.flush()
    return p.blocks


def man_blocks(path):
    raw = read(path).encode()
    try:
        out = subprocess.run(["groff", "-k", "-man", "-Tutf8", "-P-cbou", "-rLL=3000n", "-rHY=0"],
                             input=raw, capture_output=True, timeout=60).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return []
    lines = [l for l in out.split("\n")]
    nonempty = [i for i, l in enumerate(lines) if l.strip()]
    if len(nonempty) > 2:  # the page header and footer
        lines = lines[nonempty[0] + 1:nonempty[-1]]
    blocks, para = [], []
    for l in lines + [""]:
        if l.strip() and l.startswith(" "):
            para.append(l)
            continue
        if para:
            blocks.append((0, clean(" ".join(para))))
            para = []
        if l.strip():
            blocks.append((2, clean(l)))
    return blocks


# package, title of its report files, which files, kind, element holding the text
SOURCES = [
    ("cfi-sv", "Copyright finns inte", r"cfi\.html$", "html", None),
    ("lifelines-doc-sv", "LifeLines dokumentation", r"\.sv\.html$", "html", None),
    ("debian-edu-doc-legacy-sv", "Audacity-manual", r"audacity-manual\.html$", "html", None),
    ("libreoffice-help-sv", "LibreOffice Hjälp", r"help/sv/.*\.html$", "html", "DisplayArea"),
    ("gimp-help-sv", "GIMP Användarhandbok", r"help/sv/.*\.html$", "html", None),
    ("installation-guide-amd64", "Installationsguide för Debian", r"/sv/.*\.html$", "html", None),
    ("debian-handbook", "Handbok för Debianadministratören", r"sv-SE/[^/]*\.html$", "html", None),
    ("gnome-user-docs", "GNOME Hjälp", r"help/sv/.*\.page$", "xml", None),
    ("kstars-data", "KStars handbok", r"HTML/sv/kstars/.*\.docbook$", "xml", None),
    ("manpages-sv", "Svenska manualsidor", r"man/sv/.*\.gz$", "man", None),
    ("dpkg", "Manualsidor för dpkg", r"man/sv/.*\.gz$", "man", None),
    ("dpkg-dev", "Manualsidor för dpkg-dev", r"man/sv/.*\.gz$", "man", None),
    ("man-db", "Manualsidor för man-db", r"man/sv/.*\.gz$", "man", None),
]
TARGET = 32 * 1024
NUMBER = re.compile(r"^(?:(?:Kapitel|Chapter|Bilaga|Appendix|Del)\s+\w+\.?|\d+(?:\.\d+)*\.?|[A-Z]\.\d+(?:\.\d+)*\.?)\s+")


def units_of(blocks, fallback):
    """A document -> its sections (title, blocks): the document itself, or its top headings
    when it is larger than a report file."""
    heads = [t for lv, t in blocks if lv]
    title = heads[0] if heads else fallback
    if sum(len(t) for _, t in blocks) <= TARGET * 3 // 2:
        return [(title, [b for b in blocks if b[1] != title])]
    top = min((lv for lv, _ in blocks if lv), default=0)
    units, cur_title, cur = [], title, []
    for lv, t in blocks:
        if top and lv == top:
            if any(l == 0 for l, _ in cur):
                units.append((cur_title, cur))
            cur_title, cur = t, []
        else:
            cur.append((lv, t))
    if any(l == 0 for l, _ in cur):
        units.append((cur_title, cur))
    return units


def render(title, units):
    out = []
    line = lambda s: out.append(s + " \n\n")
    gap = lambda: out.append(" \n\n")
    wrap = lambda s: textwrap.wrap(s, 80, break_long_words=False, break_on_hyphens=False) or [s]
    line(title); gap(); gap()
    for n, (utitle, blocks) in enumerate(units, 1):
        for l in wrap("%d. %s" % (n, NUMBER.sub("", utitle, 1) or utitle)):
            line(l)
        gap()
        sub = 0
        for lv, text in blocks:
            if lv:
                sub += 1
                text = "%d.%d %s" % (n, sub, NUMBER.sub("", text, 1) or text)
            for l in wrap(text):
                line(l)
            gap()
        gap()
    return "".join(out)


def main():
    ext, out = sys.argv[1], sys.argv[2]
    tmp = {k: os.path.join(out, k + ".tmp") for k in ("sv", "asis")}
    for d in tmp.values():
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    seen = {k: set() for k in tmp}
    for pkg, display, pattern, kind, root_id in SOURCES:
        base = os.path.join(ext, pkg)
        if not os.path.isdir(base):
            continue
        rx = re.compile(pattern)
        paths = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(base) for f in fs
                       if rx.search(os.path.join(dp, f)) and not os.path.islink(os.path.join(dp, f)))
        units = {k: [] for k in tmp}
        for path in paths:
            blocks = man_blocks(path) if kind == "man" else markup_blocks(path, kind == "xml", root_id)
            for k, bl in (("asis", blocks), ("sv", [b for b in blocks if swedish(b[1])])):
                for u in units_of(bl, os.path.basename(path).split(".")[0]):
                    h = hashlib.sha1(repr(u[1]).encode()).digest()
                    if any(lv == 0 for lv, _ in u[1]) and h not in seen[k]:
                        seen[k].add(h)
                        units[k].append(u)
        for k, us in units.items():
            groups, cur, size = [], [], 0
            for u in us:
                usize = sum(len(t.encode()) for _, t in u[1])
                if cur and size + usize > TARGET:
                    groups.append(cur)
                    cur, size = [], 0
                cur.append(u)
                size += usize
            if cur:
                groups.append(cur)
            os.makedirs(os.path.join(tmp[k], pkg))
            for n, g in enumerate(groups, 1):
                with open(os.path.join(tmp[k], pkg, "%s-%04d.txt" % (pkg, n)), "w", encoding="utf-8") as fh:
                    fh.write(render("%s – del %d" % (display, n), g))
        print("  %-26s %5d source files -> %4d report files (sv), %4d (asis)"
              % (pkg, len(paths), len(os.listdir(os.path.join(tmp["sv"], pkg))),
                 len(os.listdir(os.path.join(tmp["asis"], pkg)))), file=sys.stderr)
    for k, d in tmp.items():
        shutil.rmtree(os.path.join(out, k), ignore_errors=True)
        os.rename(d, os.path.join(out, k))


if __name__ == "__main__":
    main()
