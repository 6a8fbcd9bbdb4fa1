#!/usr/bin/env bash
# Benchmarks the L3 network path (issue 12) on the namespace bed of e2e/l3/bed.sh (root only; all
# traffic inside the bed's namespaces) against the kernel-only baseline of
# shared/reference/l3-kernel.md, measured in the same run on the same bed:
#   - the product: one `./xcl agent run --config` process per router and gateway (the launcher:
#     cli/target/xcl-agent.jar with the agent's jars and its class data sharing archive);
#   - the baseline: the same kernel state typed as `ip` commands and the reference's shell controller
#     (ping every 100 ms, 3 misses, 4 forked `ip nexthop replace`): bench/l3/kernel-baseline.sh.
# Figures: loss window of a killed gateway's flows, surviving flows' gaps/moves, flows killed in
# overlap mode, decision -> groups replaced, iperf3 through the tunnels, cold start, and 100 remote
# gateways + 1 000 remote prefixes programmed (ScaleBenchIT, a throw-away namespace).
#
#   bash bench/l3/run.sh            full: 5 crashes per implementation, iperf3 3 x 5 s (product and baseline alternating, on two beds at once), 3 scale runs
#   bash bench/l3/run.sh --quick    smoke: 1 crash each, iperf3 1 x 2 s, 1 scale run
#
# Writes bench/results/l3-<date>.md (-2, -3 ... for later full runs that day; l3-<date>-quick.md,
# overwritten, for quick runs). Scratch and the agents' logs in bench/work/l3-<pid>/ (removed on
# success unless BENCH_KEEP_WORK=1). Every wait is bounded; the bed is torn down on exit.
set -euo pipefail

MODE=full
case "${1:-}" in
  --quick) MODE=quick ;;
  "") ;;
  *)
    echo "usage: bash bench/l3/run.sh [--quick]" >&2
    exit 2
    ;;
esac

L3=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BENCH=$(dirname "$L3")
ROOT=$(dirname "$BENCH")
cd "$ROOT"

if [ "$MODE" = quick ]; then
  CRASHES=1 IPERF_S=2 IPERF_REPS=1 SCALE_REPS=1
else
  CRASHES=5 IPERF_S=5 IPERF_REPS=3 SCALE_REPS=3
fi
W="$BENCH/work/l3-$$"
STARTED=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU time of this machine, all cores: the aggregate line of /proc/stat (user ... steal), in ticks
cpu_ticks() { read -r _ user nice system idle iowait irq softirq steal _ </proc/stat; echo "$((user + nice + system + idle + iowait + irq + softirq + steal)) $steal"; }
CPU_START=$(cpu_ticks)

say() { echo "bench/l3: [$(($(date +%s) - STARTED))s] $*" >&2; }
fail() {
  echo "bench/l3: FAIL: $*" >&2
  exit 1
}

cleanup() {
  local rc=$?
  trap - EXIT
  # the bed is host-wide: remove it only if it was ours (we held the lock)
  [ -n "${LOCKED:-}" ] && {
    XCL_L3_DIR="$W/bed" bash e2e/l3/bed.sh down >/dev/null 2>&1 || true
    # the throughput phase's second bed (L3BenchIT.throughput)
    XCL_L3_PREFIX=xcl-l3t- XCL_L3_DIR="$W/bed-t" bash e2e/l3/bed.sh down >/dev/null 2>&1 || true
  }
  if [ "$rc" = 0 ] && [ -z "${BENCH_KEEP_WORK:-}" ]; then
    rm -rf "$W"
  elif [ -d "$W" ]; then
    echo "bench/l3: logs kept in ${W#"$ROOT"/}" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || fail "needs root (network namespaces, kernel state); run it with sudo"
mkdir -p "$W" "$BENCH/results"

# --- tools: iproute2, nftables, iperf3 from Debian when missing
need=()
for pair in ip:iproute2 nft:nftables iperf3:iperf3 ping:iputils-ping ss:iproute2 stdbuf:coreutils; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian"
  timeout 600 apt-get update -qq >"$W/apt.log" 2>&1 || fail "apt-get update failed (see $W/apt.log)"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${need[@]}" >>"$W/apt.log" 2>&1 ||
    fail "apt-get install ${need[*]} failed (see $W/apt.log)"
fi
for t in java mvn timeout flock; do
  command -v "$t" >/dev/null 2>&1 || fail "$t not found on PATH (a JDK 17, Maven and util-linux are needed)"
done

say "mode $MODE: $CRASHES crash(es) per implementation, iperf3 ${IPERF_REPS} x ${IPERF_S} s; scratch in ${W#"$ROOT"/}"
timeout 900 ./xcl version >"$W/xcl-version.txt" 2>"$W/xcl-build.log" || fail "./xcl did not build or run (see $W/xcl-build.log)"
# the agents' class data sharing archive is made once after a build, by the first `agent run`:
# made here, so that no cold start below includes it
timeout 300 ./xcl agent run --help >/dev/null 2>>"$W/xcl-build.log" || fail "./xcl agent run --help failed (see $W/xcl-build.log)"

# The bed's namespaces are host-wide: one bed at a time (ITs that use it take the same lock).
CMD=(mvn -B -ntp verify -pl agent -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
  -Dfailsafe.failIfNoSpecifiedTests=false "-Dit.test=L3BenchIT,ScaleBenchIT,ReplaceBenchIT"
  "-Dxcl.l3.bench.out=$W/out" "-Dxcl.l3.bench.jar=$ROOT/cli/target/xcl.jar"
  "-Dxcl.l3.bench.crashes=$CRASHES" "-Dxcl.l3.bench.iperfSeconds=$IPERF_S"
  "-Dxcl.l3.bench.iperfReps=$IPERF_REPS" "-Dxcl.l3.bench.scaleReps=$SCALE_REPS")
say "running the harness (L3BenchIT, ScaleBenchIT, ReplaceBenchIT) through failsafe"
# failsafe:verify reads the summary of the last run that had tests: never a stale one
rm -rf agent/target/failsafe-reports
exec 8>/run/xcl-l3.lock
timeout 60 flock 8 || fail "another user of the L3 bed holds /run/xcl-l3.lock"
LOCKED=1
# On a shared host, other work's CPU bursts show up as gaps and slow decisions in both the product
# and the baseline; the harness and everything it starts run at a higher priority (BENCH_NICE,
# default -10; 0 to switch it off) so that the figures are less about the neighbours.
timeout 1800 nice -n "${BENCH_NICE:--10}" "${CMD[@]}" >"$W/harness.log" 2>&1 ||
  fail "the harness failed: $(grep -E 'FAIL|Expect|expected|ERROR\]' "$W/harness.log" | head -n 5 | tr '\n' ' ')"
exec 8>&- # the harness removed its bed; from here on the bed is not ours
LOCKED=
[ -s "$W/out/figures.md" ] || fail "the harness wrote no figures (skipped? see $W/harness.log)"
[ -s "$W/out/scale.md" ] || fail "the scale harness wrote no figure (see $W/harness.log)"
[ -s "$W/out/replace.md" ] || fail "the group replace harness wrote no figure (see $W/harness.log)"

DATE=$(date +%F)
if [ "$MODE" = quick ]; then
  OUT="$BENCH/results/l3-$DATE-quick.md"
else
  OUT="$BENCH/results/l3-$DATE.md" n=2
  while [ -e "$OUT" ]; do OUT="$BENCH/results/l3-$DATE-$n.md" n=$((n + 1)); done
fi
ELAPSED=$(($(date +%s) - STARTED))
{
  echo "# X-ClusterLink L3 network path benchmark — $DATE ($MODE)"
  echo
  echo "Generated by \`sudo bash bench/l3/run.sh$([ "$MODE" = quick ] && echo ' --quick')\` in ${ELAPSED} s, on the two-cluster namespace"
  echo "bed of \`e2e/l3/bed.sh\` (router + 3 gateways + 2 workloads per cluster). Product and kernel-only baseline"
  echo "are measured in the same run, one after the other, on a fresh bed each; every process shares the same"
  echo "$(nproc) cores, so the figures are this machine's as a whole."
  echo
  echo "- **product**: one \`./xcl agent run --config /run/.../agent-NODE.json\` per router and gateway"
  echo "  (\`ip netns exec\`; the launcher runs cli/target/xcl-agent.jar with the agent's jars and its class data"
  echo "  sharing archive), default probes (50 ms, 3 silent rounds, 1 s hold)."
  echo "- **kernel-only baseline**: \`bench/l3/kernel-baseline.sh program\` (the same state as \`ip\` commands in a shell"
  echo "  loop) and \`... watch\` (per gateway a \`ping -i 0.1 -O\` from its router, 3 misses = dead, then 4 forked"
  echo "  \`ip nexthop replace\`: the router and the 3 remote gateways), as in l3-kernel.md."
  echo "- **crash**: 30 UDP + 12 TCP sequence-numbered flows (one message per flow every 10 ms) from a-w1 to b-w1;"
  echo "  once all are answered, a gateway's links go down (a-g1, a-g2, a-g3, a-g1, ... in turn); loss window ="
  echo "  a flow's longest gap between echoes; the gateway is brought back (links up) before the next crash."
  echo
  echo "## Machine"
  echo
  echo "- commit: \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git diff --quiet HEAD 2>/dev/null || echo ' (work tree has uncommitted changes)')"
  echo "- cpu: $(nproc) × $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "- memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -sr)"
  echo "- java: $(java -version 2>&1 | head -n 1)"
  echo "- $(ip -V), $(nft --version), $(iperf3 --version | head -n 1)"
  echo "- load average (1/5/15 min) at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg) — anything above ~0 is other work sharing these cores"
  read -r total0 steal0 <<<"$CPU_START"
  read -r total1 steal1 <<<"$(cpu_ticks)"
  echo "- CPU time the hypervisor took from this machine during the run (steal, /proc/stat): $(( (steal1 - steal0) * 1000 / (total1 - total0 > 0 ? total1 - total0 : 1) / 10 )).$(( (steal1 - steal0) * 1000 / (total1 - total0 > 0 ? total1 - total0 : 1) % 10 )) % — on a shared host, stolen time shows up as stalls, slow decisions and lower throughput in both the product and the baseline"
  echo "- priority: the harness and what it starts at nice ${BENCH_NICE:--10} (BENCH_NICE)"
  echo
  echo "## Command"
  echo
  echo '```'
  echo "sudo bash bench/l3/run.sh$([ "$MODE" = quick ] && echo ' --quick')"
  echo "# which runs:"
  printf '%q ' "${CMD[@]}" | sed "s#$W#WORK#g; s#$ROOT/##g"
  echo
  echo '```'
  echo
  echo "## Figures"
  echo
  cat "$W/out/figures.md"
  cat "$W/out/scale.md"
  echo
  echo "Ratios are product / baseline (lower is better for times, higher for throughput)."
  echo
  echo "## Per crash and per step"
  echo
  cat "$W/out/details.md"
  cat "$W/out/replace.md"
} >"$OUT"

cat "$W/out/figures.md" "$W/out/scale.md"
echo "results: ${OUT#"$ROOT"/}"
