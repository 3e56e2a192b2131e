"""Fail unless a pytest JUnit report shows tests that ran and none that were skipped."""

import sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
failures = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
print(f"{sys.argv[1]}: {tests} tests, {skipped} skipped, {failures} failed")
if tests == 0 or tests == skipped:
    sys.exit("no test ran")
if skipped:
    for case in suite.iter("testcase"):
        reason = case.find("skipped")
        if reason is not None:
            print(f"skipped: {case.get('classname')}.{case.get('name')}: {reason.get('message')}")
    sys.exit("tests were skipped; in CI every test must run")
if failures:
    sys.exit("tests failed")
