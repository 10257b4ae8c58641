#!/bin/sh
# fuzz-run.sh FUZZER CORPUS SECONDS — run the loader's libFuzzer target for
# SECONDS over the seed CORPUS (left untouched: new inputs go to a scratch
# directory) and print one PASS:/FAIL: line.  A crashing input is kept in
# build/host/loader-fuzz-crashes/ for reproduction (FUZZER FILE).
fuzzer=$1
corpus=$2
secs=$3
name=loader/fuzz-${secs}s
keep=$(dirname "$fuzzer")/loader-fuzz-crashes
work=$(mktemp -d /tmp/kea-loader-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"

if [ ! -x "$fuzzer" ] || [ ! -d "$corpus" ]; then
    echo "FAIL: $name: missing $fuzzer or $corpus"
    exit 1
fi
nseeds=$(ls "$corpus" | wc -l)
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/" "$work/corpus" "$corpus" > "$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)
if [ "$rc" != 0 ]; then
    mkdir -p "$keep"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$keep"/ 2>/dev/null
    echo "FAIL: $name: fuzzer exit $rc; inputs kept in $keep; log tail:"
    tail -30 "$work/log" | sed 's/^/    /'
    exit 1
fi
# A fuzzer that ran almost nothing proves nothing.
if [ -z "$runs" ] || [ "$runs" -lt 1000 ]; then
    echo "FAIL: $name: only ${runs:-0} runs"
    tail -10 "$work/log" | sed 's/^/    /'
    exit 1
fi
echo "PASS: $name ($runs runs from $nseeds seeds, $cov)"
