#!/usr/bin/env bash
# conform against a plain hand-written client, measured in one run on this machine (issue 13): whole
# processes, interleaved, medians. Never asserted anywhere: the ratios are for people to read.
#
#   bash benches/compare.sh [FLOWS] [ROUNDS]      (defaults: 1000 flows, 5 rounds)
#
# 1. The flow of benches/flow/flow.yaml.in (7 requests, a JSON Schema check on the create) replayed FLOWS times
#    sequentially: `conform run --jobs 1` over a generated suite of FLOWS copies, and benches/plain_loop.rs
#    (reqwest + jsonschema, same assertions). Both start the embedded reference server in their own process.
#    Printed: wall, CPU (user + system) and peak memory (max RSS), each a median, and conform ÷ loop.
# 2. The whole bundled suite at --jobs 1 and at the default parallelism.
# 3. Start-up: `conform validate` (load and compile every case and schema) for the bundled suites and for
#    generated suites of 1,000 and 10,000 cases.
# 4. The reference server's requests per second for create and for list, 64 clients at once.
# 5. Checking a 10,000-member body against its schema and with an `!unordered` matcher (the criterion benches
#    of benches/harness.rs, run briefly).
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-1000}
ROUNDS=${2:-5}
TIME=/usr/bin/time
if ! [ -x "$TIME" ]; then
  echo "benches/compare.sh needs GNU time for CPU and peak memory (Debian: apt-get install time)" >&2
  exit 2
fi

cargo build --quiet --release --bin conform --example plain_loop
bin=${CARGO_TARGET_DIR:-target}/release
conform=$bin/conform
loop=$bin/examples/plain_loop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A suite of N copies of the flow case, in $work/flow-N: files of 100 cases each, as a case file may hold at
# most 1 MiB.
generate() {
  local n=$1 dir="$work/flow-$1"
  mkdir -p "$dir"
  cp benches/flow/suite.yaml "$dir/"
  awk -v n="$n" -v dir="$dir" '
    { template = template $0 "\n" }
    END {
      for (i = 1; i <= n; i++) {
        file = sprintf("%s/flow-%05d.yaml", dir, int((i - 1) / 100))
        if ((i - 1) % 100 == 0) printf "cases:\n" > file
        copy = template
        gsub(/@N@/, i, copy)
        printf "%s", copy > file
        if (i % 100 == 0 || i == n) close(file)
      }
    }' benches/flow/flow.yaml.in
  echo "$dir"
}

# measure LABEL COMMAND…: one sample "LABEL wall cpu rss_kib" (tab-separated: labels hold spaces) appended to
# $work/samples.
measure() {
  local label=$1
  shift
  if ! "$TIME" -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>&1; then
    echo "failed: $*" >&2
    tail -20 "$work/out" >&2
    exit 1
  fi
  awk -v l="$label" '{ printf "%s\t%s\t%.3f\t%s\n", l, $1, $2 + $3, $4 }' "$work/time" >>"$work/samples"
}

# median LABEL FIELD (2 wall, 3 cpu, 4 rss)
median() {
  awk -F'\t' -v l="$1" -v f="$2" '$1 == l { print $f }' "$work/samples" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row LABEL [BASE]: the medians of LABEL, and its wall time as a multiple of BASE's.
row() {
  local times="—"
  if [ -n "${2:-}" ]; then times=$(ratio "$1" "$2" 2); fi
  printf "| %-34s | %8.3f s | %8s | %8.3f s | %7.1f MiB |\n" "$1" "$(median "$1" 2)" "$times" "$(median "$1" 3)" \
    "$(awk -v k="$(median "$1" 4)" 'BEGIN { print k / 1024 }')"
}

header() {
  echo "| what                               |     wall   | × plain loop |     CPU    |  peak memory |"
  echo "|---|---:|---:|---:|---:|"
}

ratio() {
  awk -v a="$(median "$1" "$3")" -v b="$(median "$2" "$3")" 'BEGIN { printf "%.2f×", a / b }'
}

: >"$work/samples"
flows=$(generate "$FLOWS")
echo "== 1. $FLOWS flows of 7 requests, sequential, $ROUNDS interleaved rounds"
for _ in $(seq 1 "$ROUNDS"); do
  measure loop "$loop" "$FLOWS"
  measure conform "$conform" run "$flows" --jobs 1 --no-snapshots --quiet
done
header
row loop loop
row conform loop
echo "conform ÷ plain loop: wall $(ratio conform loop 2), CPU $(ratio conform loop 3), peak memory $(ratio conform loop 4)"

echo
echo "== 2. the bundled suites against the embedded server"
for _ in $(seq 1 "$ROUNDS"); do
  measure "bundled --jobs 1" "$conform" run --jobs 1 --quiet
  measure "bundled (default jobs)" "$conform" run --quiet
done
header
row "bundled --jobs 1"
row "bundled (default jobs)"

echo
echo "== 3. start-up: load and compile every case and schema (conform validate)"
small=$(generate 1000)
large=$(generate 10000)
for _ in $(seq 1 "$ROUNDS"); do
  measure "validate bundled" "$conform" validate
  measure "validate 1,000 cases" "$conform" validate "$small"
  measure "validate 10,000 cases" "$conform" validate "$large"
done
header
row "validate bundled"
row "validate 1,000 cases"
row "validate 10,000 cases"
echo "10,000 ÷ 1,000 cases: $(ratio "validate 10,000 cases" "validate 1,000 cases" 2) (10× is linear)"

echo
echo "== 4. the reference server, 64 clients at once for 3 s"
"$loop" --rps create 64 3
"$loop" --rps list 64 3

echo
echo "== 5. checking a 10,000-member body: its JSON Schema and an !unordered matcher (criterion, benches/harness.rs)"
cargo bench --quiet --bench harness -- --warm-up-time 1 --measurement-time 3 "10,000" 2>&1 |
  grep -E "^(unordered|schema)|time:" || echo "(cargo bench failed; run it alone to see why)"
