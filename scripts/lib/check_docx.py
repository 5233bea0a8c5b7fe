"""Checks the annual report as a committee receives it: the Word document
the service wrote and the PDF LibreOffice made of it, against what the
service says in JSON (used by scripts/check-report-docx).

    check_docx.py DOCX PDF REPORT_JSON DASHBOARD_JSON AMBITIONS_JSON

REPORT_JSON is the same report as JSON, DASHBOARD_JSON the dashboard as at
the end of the report's year and AMBITIONS_JSON the strategy's ambitions
(a page of the API's list). Prints what it checked; exits 1 naming every
check that failed.
"""

import json
import re
import sys
import unicodedata

import docx
from docx.oxml.ns import qn
from pypdf import PdfReader

SECTIONS = [
    "Summary",
    "Progress and achievements by ambition",
    "Where progress was not as expected",
    "Indicators",
    "How partners met their commitments",
]
# Sections that follow the others when there is something to say in them.
OPTIONAL_SECTIONS = ["What young people asked for", "Next steps"]
BY_AMBITION = SECTIONS[1]

SUMMARY_HEADER = ["Rating", "Actions"]
SUMMARY_ROWS = [
    ("Red", "red"),
    ("Amber", "amber"),
    ("Green", "green"),
    ("Blue", "blue"),
    ("Not rated", "not_rated"),
    ("Total", "total"),
]

# Fewer pages cannot hold the sections and tables; more means something
# repeats or overflows.
PAGES_MIN = 3
PAGES_MAX = 60


def plain(text):
    """Text as compared: one kind of quote and dash, single spaces, no case."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, simple in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'),
                          ("\u201d", '"'), ("\u2013", "-"), ("\u2014", "-"),
                          ("\u00ad", "")):
        text = text.replace(fancy, simple)
    return re.sub(r"\s+", " ", text).strip().casefold()


def heading_level(paragraph):
    name = paragraph.style.name if paragraph.style is not None else ""
    match = re.fullmatch(r"Heading (\d)", name or "")
    return int(match.group(1)) if match else None


class Checks:
    def __init__(self):
        self.failures = []

    def check(self, ok, what):
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            self.failures.append(what)
        return ok


def check_sections(checks, headings):
    found = [text for level, text in headings if level == 1]
    print(f"Heading 1 sections ({len(found)}): {' | '.join(found)}")
    required = found[: len(SECTIONS)]
    rest = found[len(SECTIONS):]
    checks.check(required == SECTIONS,
                 f"the sections start {' | '.join(SECTIONS)}, in that order")
    order = [s for s in OPTIONAL_SECTIONS if s in rest]
    checks.check(rest == order,
                 "any further sections are among "
                 f"{' | '.join(OPTIONAL_SECTIONS)}, in that order, once each")


def check_ambitions(checks, headings, ambitions):
    inside, level2 = False, []
    for level, text in headings:
        if level == 1:
            inside = text == BY_AMBITION
        elif level == 2 and inside:
            level2.append(text)
    print(f"Heading 2 under {BY_AMBITION!r} ({len(level2)}): {' | '.join(level2)}")
    positions = []
    for ambition in ambitions:
        title = plain(ambition["title"])
        at = [i for i, text in enumerate(level2) if title in plain(text)]
        checks.check(len(at) == 1,
                     f"ambition {ambition['number']} ({ambition['title']}) has one "
                     f"Heading 2 there (found {len(at)})")
        positions.extend(at[:1])
    checks.check(positions == sorted(positions),
                 "the ambitions' headings are in the ambitions' order")


def summary_counts(checks, table):
    rows = [[plain(cell.text) for cell in row.cells] for row in table.rows]
    print("first table: " + "; ".join(" | ".join(r) for r in rows))
    if not checks.check(rows and rows[0] == [plain(h) for h in SUMMARY_HEADER],
                        f"the first table's header is {' | '.join(SUMMARY_HEADER)}"):
        return None
    labels = [r[0] for r in rows[1:]]
    wanted = [plain(label) for label, _ in SUMMARY_ROWS]
    if not checks.check(labels == wanted,
                        f"its rows are {', '.join(l for l, _ in SUMMARY_ROWS)}"):
        return None
    counts = {}
    for (_, key), row in zip(SUMMARY_ROWS, rows[1:]):
        value = row[1].replace(",", "")
        if not checks.check(value.isdigit(), f"the {key} count is a number ({row[1]!r})"):
            return None
        counts[key] = int(value)
    return counts


def check_summary(checks, document, report, dashboard):
    tables = document.tables
    if not checks.check(bool(tables), "the document holds tables"):
        return
    counts = summary_counts(checks, tables[0])
    if counts is None:
        return
    keys = [key for _, key in SUMMARY_ROWS]
    expected = {key: dashboard["totals"][key] for key in keys}
    print(f"summary table: {counts}")
    print(f"dashboard as at {dashboard.get('as_at')}: {expected}")
    checks.check(counts == expected,
                 "the summary table's counts are the dashboard's at the end of the year")
    checks.check(sum(counts[k] for k in keys[:-1]) == counts["total"],
                 "the ratings add up to the total")
    reported = {key: report["summary"][key] for key in keys}
    checks.check(reported == expected, "the JSON report's summary is the dashboard's")


def pictures(document):
    """The alternative text of every picture in the body, headers and footers."""
    parts = [document.part]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header,
                     section.even_page_footer):
            if not part.is_linked_to_previous:
                parts.append(part.part)
    seen, alts = set(), []
    for part in parts:
        if id(part) in seen:
            continue
        seen.add(id(part))
        for element in part.element.iter(qn("wp:docPr")):
            alts.append(element.get("descr") or element.get("title") or "")
    return alts


def check_pictures(checks, document):
    alts = pictures(document)
    print(f"pictures: {len(alts)}")
    for n, alt in enumerate(alts, 1):
        print(f"  picture {n}: {alt[:100]!r}")
    missing = [n for n, alt in enumerate(alts, 1) if not alt.strip()]
    checks.check(not missing, "every picture has alternative text"
                 + (f" (not pictures {missing})" if missing else ""))


def check_pdf(checks, path, ambitions):
    reader = PdfReader(path)
    pages = len(reader.pages)
    print(f"PDF pages: {pages}")
    checks.check(PAGES_MIN <= pages <= PAGES_MAX,
                 f"the PDF has from {PAGES_MIN} to {PAGES_MAX} pages ({pages})")
    text = plain(" ".join(page.extract_text() or "" for page in reader.pages))
    # A title wrapped at a hyphen or across lines still counts.
    joined = text.replace("- ", "-")
    print(f"PDF text: {len(text)} characters")
    for ambition in ambitions:
        title = plain(ambition["title"])
        checks.check(title in text or title in joined,
                     f"the PDF's text holds ambition {ambition['number']}'s title")


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    docx_path, pdf_path, report_path, dashboard_path, ambitions_path = argv[1:]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    with open(dashboard_path, encoding="utf-8") as f:
        dashboard = json.load(f)
    with open(ambitions_path, encoding="utf-8") as f:
        ambitions = sorted(json.load(f)["items"], key=lambda a: a["number"])
    if not ambitions:
        sys.exit("the strategy has no ambitions to look for")
    document = docx.Document(docx_path)
    headings = []
    for paragraph in document.paragraphs:
        if level := heading_level(paragraph):
            headings.append((level, paragraph.text.strip()))

    checks = Checks()
    check_sections(checks, headings)
    check_ambitions(checks, headings, ambitions)
    check_summary(checks, document, report, dashboard)
    check_pictures(checks, document)
    check_pdf(checks, pdf_path, ambitions)
    if checks.failures:
        print(f"{len(checks.failures)} check(s) failed:", file=sys.stderr)
        for failure in checks.failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print("every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
