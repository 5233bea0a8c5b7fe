#!/usr/bin/env python3
"""Checks that no table row of a tagged PDF is cut across two pages.

Reads the PDF's structure tree (Chromium tags what it prints: Table, TR,
TH, TD) and, for every TR but the heading rows, the pages its marked
content lies on. Prints the
number of pages and rows, and each row found on more than one page; exits
1 if there is one, 2 if the PDF carries no structure tree to check.

Usage: pdf_rows.py FILE.pdf
"""

import sys

import pikepdf


def visited(element, seen):
    """Whether an indirect object was met before (the tree links back to
    parents); direct objects are met once."""
    if not getattr(element, "is_indirect", False):
        return False
    if element.objgen in seen:
        return True
    seen.add(element.objgen)
    return False


def pages_of(element, page, pages, seen):
    """The pages the marked content under `element` lies on."""
    if visited(element, seen):
        return
    if isinstance(element, pikepdf.Dictionary):
        page = element.get("/Pg", page)
        if element.get("/Type") == "/MCR" or "/MCID" in element:
            if page is not None:
                pages.add(page.objgen)
            return
        if element.get("/Type") == "/OBJR":
            return
        kids = element.get("/K")
        if kids is not None:
            pages_of(kids, page, pages, seen)
    elif isinstance(element, pikepdf.Array):
        for kid in element:
            pages_of(kid, page, pages, seen)
    elif isinstance(element, int) and page is not None:
        # An MCID on the page of the element that holds it.
        pages.add(page.objgen)


def rows(element, found, seen):
    """Every TR structure element under `element`."""
    if visited(element, seen):
        return
    if isinstance(element, pikepdf.Dictionary):
        if element.get("/S") == "/TR":
            found.append(element)
        kids = element.get("/K")
        if kids is not None:
            rows(kids, found, seen)
    elif isinstance(element, pikepdf.Array):
        for kid in element:
            rows(kid, found, seen)


def is_header(row):
    """A row of column headings only: the one a table repeats at the top of
    each page it runs onto, so it lies on each of them by design."""
    kids = row.get("/K")
    cells = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    kinds = [c.get("/S") for c in cells if isinstance(c, pikepdf.Dictionary)]
    return bool(kinds) and all(k == "/TH" for k in kinds)


def main(path):
    pdf = pikepdf.open(path)
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        print(f"{path}: no structure tree (print it tagged)")
        return 2
    number = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    found = []
    rows(root, found, set())
    split = []
    headers = 0
    for index, row in enumerate(found):
        if is_header(row):
            headers += 1
            continue
        pages = set()
        pages_of(row.get("/K"), row.get("/Pg"), pages, set())
        if len(pages) > 1:
            split.append((index + 1, sorted(number.get(p, 0) for p in pages)))
    print(
        f"{path}: {len(pdf.pages)} pages, {len(found) - headers} table rows "
        f"(and {headers} heading rows, repeated on each page a table runs onto), "
        f"{len(split)} cut across pages"
    )
    for index, pages in split:
        print(f"  row {index} lies on pages {pages}")
    if len(found) == headers:
        return 2
    return 1 if split else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
