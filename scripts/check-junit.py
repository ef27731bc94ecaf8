#!/usr/bin/env python3
"""Reads an `assay gate --junit` file with junitparser (pip install junitparser) and prints one
JSON object per test case: classname, name, time, outcome (passed/failure/error/skipped),
message and properties. Exit 2 when junitparser is missing, 1 when the file does not parse.

    python3 scripts/check-junit.py gate.xml
"""
import json
import sys

try:
    from junitparser import JUnitXml, Failure, Error, Skipped
except ImportError:
    print("junitparser is not installed (pip install junitparser)", file=sys.stderr)
    sys.exit(2)

try:
    xml = JUnitXml.fromfile(sys.argv[1])
except Exception as e:  # noqa: BLE001 - report any parse failure as one line
    print(f"{sys.argv[1]}: not valid JUnit XML ({e})", file=sys.stderr)
    sys.exit(1)

suites = [xml] if xml._tag == "testsuite" else list(xml)
for suite in suites:
    for case in suite:
        outcome, message = "passed", None
        for r in case.result:
            if isinstance(r, Failure):
                outcome, message = "failure", r.message
            elif isinstance(r, Error):
                outcome, message = "error", r.message
            elif isinstance(r, Skipped):
                outcome, message = "skipped", r.message
        props = {}
        node = case._elem.find("properties")
        if node is not None:
            for p in node.findall("property"):
                props[p.get("name")] = p.get("value")
        print(json.dumps({"suite": suite.name, "classname": case.classname, "name": case.name, "time": case.time,
                          "outcome": outcome, "message": message, "properties": props}, sort_keys=True))
