#!/usr/bin/env bash
# Writes cli/src/main/cds/xcl.classlist: the classes an L3 gateway agent loads from its start to
# a few rounds of probing, which the xcl launcher parses once into cli/target/xcl.jsa (class data
# sharing) so that every later start maps them instead (docs/network-path.md, "cold start").
# Run it (root: it builds the L3 bed in network namespaces, then removes it) after changes that
# add or rename many classes on the agent's path; a stale list only makes starts slower.
#   sudo bash scripts/cds-classlist.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "cds-classlist: needs root (network namespaces)" >&2; exit 1; }
XCL_CDS=off ./xcl version >/dev/null # builds when needed
W=$(mktemp -d)
exec 8>/run/xcl-l3.lock
timeout 60 flock 8 || { echo "cds-classlist: another user of the L3 bed holds /run/xcl-l3.lock" >&2; exit 1; }
trap 'XCL_L3_DIR="$W/bed" bash e2e/l3/bed.sh down >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
XCL_L3_DIR="$W/bed" bash e2e/l3/bed.sh up >/dev/null
# through the launcher, as agents start: the agent's class path and JVM options, no archive
XCL_CDS=off XCL_JAVA_OPTS="-XX:DumpLoadedClassList=$W/classlist" ip netns exec xcl-l3-a-g1 \
  ./xcl agent run --config "$W/bed/agent-a-g1.json" >"$W/agent.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q 'reconciled' "$W/agent.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$W/agent.log" >&2; exit 1; }
  timeout 0.1 tail -f /dev/null || true # 100 ms, bounded
done
grep -q 'reconciled' "$W/agent.log" || { echo "cds-classlist: the agent did not start" >&2; exit 1; }
timeout 2 tail -f /dev/null || true # a few rounds of probing
kill "$pid"
wait "$pid" || true
mkdir -p cli/src/main/cds
# generated classes (proxies, JFR events) cannot be archived from a list: left out
grep -v -E '^(jdk/proxy|com/sun/proxy|jdk/internal/event/)' "$W/classlist" >cli/src/main/cds/xcl.classlist
echo "cds-classlist: $(grep -vc '^#' cli/src/main/cds/xcl.classlist) classes in cli/src/main/cds/xcl.classlist"
