#!/usr/bin/env bash
# Run every harness in two lanes (one per core), each harness for its share of
# the time, and print the libFuzzer statistics of every log at the end.
#
#   bash fuzz/campaign.sh [MINUTES] [WORKDIR]
#
# MINUTES (default 60) is the wall-clock length of each lane. New inputs go to
# WORKDIR/<harness> (default /tmp/blobformat-fuzz), never to fuzz/corpus;
# crashes go to fuzz/artifacts/. The fast harnesses get most of the time
# because they give most of the executions; the slow ones reach deeper code.
set -u
cd "$(dirname "$0")/.."
minutes=${1:-60}
work=${2:-/tmp/blobformat-fuzz}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$work" fuzz/artifacts

run() {  # harness, share of the lane in percent
    local h=$1 seconds=$(( minutes * 60 * $2 / 100 ))
    mkdir -p "$work/$h"
    python3 "fuzz/fuzz_$h.py" -max_total_time="$seconds" -max_len=12000 \
        -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$h-" \
        "$work/$h" "fuzz/corpus/$h" > "$work/$h.log" 2>&1
    echo "$h: exit $? after ${seconds}s" >> "$work/status"
}

: > "$work/status"
( run parse 45; run keys 15; run pvk 15; run inspect 10; run cng 15 ) &
( run session_blob 35; run symwrap 10; run unwrap 15; run envelope 10;
  run structured 15; run differential 15 ) &
wait

cat "$work/status"
for log in "$work"/*.log; do
    h=$(basename "$log" .log)
    runs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    rate=$(grep -ho 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
    printf '%-14s %12s executions %8s/s  %s\n' "$h" "${runs:-?}" "${rate:-?}" "${cov:-}"
done
grep -l -E 'ERROR|Traceback|==[0-9]+==' "$work"/*.log && echo "FINDINGS: see the logs above" || true
