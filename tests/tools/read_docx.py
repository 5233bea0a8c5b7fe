"""Reads a Word document as an office suite's reader would, and prints
what the tests check as JSON: its title and subject, its headings (level
and text, in order; the title is level 0), its tables (rows of cell texts)
and whether each marks its first row as the header row, and its pictures'
alternative text.

Usage: python read_docx.py FILE.docx
"""

import json
import sys

import docx
from docx.oxml.ns import qn


def heading_level(paragraph):
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return 0
    if name.startswith("Heading "):
        return int(name.split(" ", 1)[1])
    return None


def main(path):
    document = docx.Document(path)
    headings = []
    for paragraph in document.paragraphs:
        level = heading_level(paragraph)
        if level is not None:
            headings.append({"level": level, "text": paragraph.text})
    tables = []
    header_rows = []
    for table in document.tables:
        tables.append([[cell.text for cell in row.cells] for row in table.rows])
        first = table.rows[0]._tr.trPr if table.rows else None
        header_rows.append(first is not None and first.find(qn("w:tblHeader")) is not None)
    images = [
        {"alt": shape._inline.docPr.get("descr")} for shape in document.inline_shapes
    ]
    properties = document.core_properties
    print(
        json.dumps(
            {
                "title": properties.title,
                "subject": properties.subject,
                "headings": headings,
                "tables": tables,
                "header_rows": header_rows,
                "images": images,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
