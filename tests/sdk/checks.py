"""Value checks for the SDK scripts: each prints one line, and `finish` exits 1 if any failed."""

import sys


class Checks:
    def __init__(self, sdk):
        self.sdk = sdk
        self.failed = []
        self.passed = 0

    def equal(self, what, actual, expected):
        if actual == expected:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed.append(what)
            print(f"FAIL {what}: expected {expected!r}, got {actual!r}")

    def true(self, what, value):
        self.equal(what, bool(value), True)

    def finish(self):
        print(f"{self.sdk}: {self.passed} checks passed, {len(self.failed)} failed")
        sys.exit(1 if self.failed else 0)
