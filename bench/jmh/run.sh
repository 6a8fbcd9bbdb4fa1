#!/usr/bin/env bash
# JMH micro-benchmarks: policy decision (10 / 1 000 / 10 000 policies) and the tunnel request codec.
# Usage: bench/jmh/run.sh [--quick] [JMH args...]; results in bench/results/jmh-<date>.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
quick=()
if [ "${1:-}" = "--quick" ]; then shift; quick=(-wi 1 -i 1 -w 1s -r 1s); fi
mvn -B -q -ntp -DskipTests install -pl bench/jmh -am >&2
mkdir -p bench/results
out="bench/results/jmh-$(date +%F)${quick:+-quick}.txt"
java -cp "bench/jmh/target/classes:bench/jmh/target/lib/*" org.openjdk.jmh.Main "${quick[@]}" "$@" | tee "$out"
echo "JMH results: $out" >&2
