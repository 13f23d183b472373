#!/usr/bin/env python3
"""Prints the parameter rows of docs/compat.md from src/conf/param_table.cc.

Usage: tests/conf/gen_compat_table.py > /tmp/rows.md, then replace the table body in
docs/compat.md. The test conf.ParamTable.CompatDocListsEveryParameterWithItsStatus checks
the result.
"""
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "../../src/conf/param_table.cc")).read()
rows = re.findall(r'\{(\w+),\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*"([^"]*)",\s*(true|false),\s*(\w+),'
                  r'\s*"([^"]*)",\s*"((?:[^"\\]|\\.)*)"\}', src)
types = {"B": "bool", "I": "int", "S": "string", "L": "list", "J": "inherit/new/disable"}
kinds = {"K": "kernel", "RO": "read-only", "PS": "jail(8)"}
status = {"OK": "supported", "DEF": "default only", "NO": "unsupported"}
for (_, name, t, k, d, live, st, acc, note) in rows:
    typ = "inherit/new" if name in ("host", "vnet") else types[t]
    accepted = (acc or "(unset)") if st == "DEF" else ""
    note = note.replace('\\"', '"')
    print(f"| `{name}` | {status[st]} | {kinds[k]} | {typ} | {d or '—'} | {'yes' if live == 'true' else ''} "
          f"| {accepted} | {note} |")
