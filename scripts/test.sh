#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: the lit suites (dialect,
# passes, frontend, tools, end-to-end) and the GoogleTest suites (ctest).
# Ends with one line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DLC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" || exit 1
"$root/scripts/build.sh" || exit 1

results="$build/test-results"
rm -rf "$results" && mkdir -p "$results"
/usr/lib/llvm-22/bin/lit -sv "$build/test" --xunit-xml-output "$results/lit.xml"
lit_rc=$?
ctest --test-dir "$build" --output-on-failure --output-junit "$results/ctest.xml"
ctest_rc=$?

/usr/bin/python3 - "$results/lit.xml" "$results/ctest.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except Exception as e:
        print(f"test.sh: cannot read {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
[ $lit_rc -eq 0 ] && [ $ctest_rc -eq 0 ]
