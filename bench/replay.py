#!/usr/bin/env python3
"""Turns the statements one request made, as PostgreSQL logged them
(log_statement = 'all'), into a pgbench script that replays them: the
ceiling for that request on the same database.

    replay.py LOG FROM_LINE TO_LINE DATABASE [--var NAME=VALUE ...] [--fresh-table TABLE ...]

Parameters are inlined as literals, except that a parameter equal to a
--var value becomes that pgbench variable (`:NAME::uuid`, or an ARRAY of it
for a one-element array), and the id of a row inserted into a --fresh-table
becomes gen_random_uuid() wherever it is a whole parameter (a new row each
time). The pool's liveness probe (`SELECT $1`)
is left out: it is not work the request needs.
"""
import re
import sys

PREFIX = re.compile(r"^\S+ \S+ \S+ \[\d+\] (\S+)@(\S+) (LOG|DETAIL|ERROR|STATEMENT|HINT|CONTEXT):  (.*)$")
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def main():
    log, start, end, database = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    variables, fresh = {}, set()
    args = sys.argv[5:]
    while args:
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--var":
            name, _, literal = value.partition("=")
            variables[literal] = name
        elif flag == "--fresh-table":
            fresh.add(value)
    entries = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if number <= start:
                continue
            if number > end:
                break
            line = line.rstrip("\n")
            m = PREFIX.match(line)
            if m:
                entries.append([m.group(2), m.group(3), m.group(4)])
            elif entries:
                entries[-1][2] += "\n" + line
    entries = [e for e in entries if e[0] == database]
    fresh_tables, fresh = fresh, set()
    for j, (_, kind, text) in enumerate(entries):
        m = re.match(r'execute [^:]+: INSERT INTO "(\w+)" \("id"', text)
        if kind == "LOG" and m and m.group(1) in fresh_tables and j + 1 < len(entries):
            first = dict(PARAM.findall(entries[j + 1][2])).get("1", "")
            fresh.add(first.strip("'"))
    out = []
    i = 0
    while i < len(entries):
        _, kind, text = entries[i]
        i += 1
        if kind != "LOG":
            continue
        if text.startswith("statement: "):
            out.append(text[len("statement: "):])
            continue
        m = re.match(r"execute [^:]+: (.*)", text, re.S)
        if not m:
            continue
        sql = m.group(1)
        params = {}
        if i < len(entries) and entries[i][1] == "DETAIL" and entries[i][2].startswith("parameters:"):
            params = {int(n): v for n, v in PARAM.findall(entries[i][2])}
            i += 1
        if sql.strip() == "SELECT $1":
            continue
        for n in sorted(params, reverse=True):
            literal = params[n]
            raw = literal[1:-1] if literal.startswith("'") else None
            if raw in variables:
                literal = f":{variables[raw]}::uuid"
            elif raw is not None and raw.startswith("{") and raw[1:-1] in variables:
                literal = f"ARRAY[:{variables[raw[1:-1]]}::uuid]"
            elif raw in fresh:
                literal = "gen_random_uuid()"
            sql = sql.replace(f"${n}", literal)
        out.append(sql)
    for sql in out:
        print(sql.replace("\n", " ") + ";")


if __name__ == "__main__":
    main()
