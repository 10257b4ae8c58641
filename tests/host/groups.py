"""The check groups of the Python host tests (tests/host/*/test_*.py),
defined once: each group is a function that raises AssertionError (or
anything else, a bug in the tool or the test) when it fails, and prints one
line tests/run.py reads, "PASS: AREA/NAME" or "FAIL: AREA/NAME: why".

    group = Groups("kfs")
    group("put-get", test_put_get)
    ...
    group.exit()            # status 1 if any group failed
"""
import sys


class Groups:
    def __init__(self, area):
        self.area = area
        self.failed = False

    def __call__(self, name, fn):
        try:
            fn()
            print(f"PASS: {self.area}/{name}", flush=True)
        except AssertionError as e:
            print(f"FAIL: {self.area}/{name}: {e}", flush=True)
            self.failed = True
        except Exception as e:      # still one line
            print(f"FAIL: {self.area}/{name}: {type(e).__name__}: {e}", flush=True)
            self.failed = True

    def exit(self):
        sys.exit(1 if self.failed else 0)
