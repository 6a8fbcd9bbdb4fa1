#!/usr/bin/env bash
# Soak run: three gateways on 127.0.0.1 (east1 and east2 export one web backend; west imports it
# from both, round-robin) under mixed load for a bounded time, while the exporting gateways are
# killed (SIGKILL) and restarted in turn, and strangers hold idle connections to their gateway
# ports. Reports file descriptors, heap (live, after a full GC) and RSS of the gateway that is
# never killed (west) at the start and at the end, what the load saw, and that no tunnel is left.
#
#   bash bench/soak.sh                 20 minutes, a kill every 60 s
#   bash bench/soak.sh --minutes 3 --kill-every 20     shorter (the same checks)
#
# Writes bench/results/soak-<date>.md. Scratch in bench/work/soak-<pid>/ (kept on failure). Every
# process it starts is stopped on exit; every wait is bounded.
set -euo pipefail

MINUTES=20
KILL_EVERY=60
CONCURRENCY=16
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --kill-every) KILL_EVERY=$2; shift 2 ;;
    *) echo "usage: bash bench/soak.sh [--minutes N] [--kill-every SECONDS]" >&2; exit 2 ;;
  esac
done
case "$MINUTES" in ''|*[!0-9]*) echo "soak: --minutes $MINUTES (expected: a whole number of minutes, 1-120)" >&2; exit 2 ;; esac
[ "$MINUTES" -ge 1 ] && [ "$MINUTES" -le 120 ] || { echo "soak: --minutes $MINUTES (expected: 1-120)" >&2; exit 2; }
case "$KILL_EVERY" in ''|*[!0-9]*) echo "soak: --kill-every $KILL_EVERY (expected: whole seconds, 10-600)" >&2; exit 2 ;; esac
[ "$KILL_EVERY" -ge 10 ] && [ "$KILL_EVERY" -le 600 ] || { echo "soak: --kill-every $KILL_EVERY (expected: 10-600)" >&2; exit 2; }

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=lib/proc.sh
. "$BENCH/lib/proc.sh"
ROOT=$(dirname "$BENCH")
cd "$ROOT"
W="$BENCH/work/soak-$$"
PIDS=()
STARTED=$(date +%s)
say() { echo "soak: [$(($(date +%s) - STARTED))s] $*" >&2; }
fail() {
  echo "soak: FAIL: $*" >&2
  exit 1
}
cleanup() {
  local rc=$?
  trap - EXIT
  stop_pids ${PIDS[@]+"${PIDS[@]}"}
  if [ "$rc" = 0 ] && [ -z "${BENCH_KEEP_WORK:-}" ]; then rm -rf "$W"; elif [ -d "$W" ]; then echo "soak: logs kept in ${W#"$ROOT"/}" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in java jcmd python3 timeout; do
  command -v "$t" >/dev/null 2>&1 || fail "$t not found on PATH (a JDK 17 and python3 are needed)"
done
mkdir -p "$W" "$BENCH/results"
unset XCL_JAVA_OPTS
timeout 900 ./xcl version >"$W/xcl-version.txt" 2>"$W/xcl-build.log" || fail "./xcl did not build or run (see $W/xcl-build.log)"

free_ports() { # N: N distinct free ports on 127.0.0.1
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}
read -r WEB E1_GW E2_GW W_GW IMPORT_PORT <<<"$(free_ports 5)"
declare -A GW_PORT=([east1]=$E1_GW [east2]=$E2_GW [west]=$W_GW)
declare -A GW_PID=()

# --- backend: python's threading HTTP server with a 1 KiB and a 1 MiB file ---------------------
mkdir -p "$W/www"
head -c 1024 /dev/zero | tr '\0' a >"$W/www/small"
head -c $((1 << 20)) /dev/zero | tr '\0' b >"$W/www/large"
(cd "$W/www" && exec python3 -m http.server "$WEB" --bind 127.0.0.1) >"$W/backend.log" 2>&1 &
PIDS+=($!)
retry 50 0.2 port_open "$WEB" || fail "backend did not listen on :$WEB"

# --- certificates and gateways -----------------------------------------------------------------
timeout 120 ./xcl fabric create --name soak --dir "$W/pki" >"$W/pki.log" 2>&1 || fail "xcl fabric create failed (see $W/pki.log)"
for p in east1 east2 west; do
  timeout 120 ./xcl peer-cert create --fabric soak --name "$p" --dir "$W/pki" >>"$W/pki.log" 2>&1 || fail "xcl peer-cert create $p failed"
done

admin() { # PEER ARGS...: the xcl CLI against that gateway's admin socket
  local peer=$1
  shift
  timeout 60 ./xcl --admin "$W/state-$peer/admin.sock" "$@"
}
start_gateway() { # PEER
  ./xcl gateway start --fabric soak --name "$1" --dir "$W/pki" --port "${GW_PORT[$1]}" --bind 127.0.0.1 \
    --state-dir "$W/state-$1" >>"$W/gw-$1.log" 2>&1 &
  GW_PID[$1]=$!
  PIDS+=($!)
  retry 300 0.1 admin "$1" status -o json || fail "gateway $1 did not answer on its admin socket (see $W/gw-$1.log)"
}
peer_yaml() { printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: %s}\nspec: {gateways: [{host: 127.0.0.1, port: %s}]}\n---\n' "$1" "$2"; }
allow_all_yaml() { printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: allow-all}\nspec: {action: allow, from: [{workloadSelector: {}}], to: [{workloadSelector: {}}]}\n'; }

for p in east1 east2 west; do start_gateway "$p"; done
for p in east1 east2; do
  { peer_yaml west "$W_GW"
    printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: web}\nspec: {host: 127.0.0.1, port: %s}\n---\n' "$WEB"
    allow_all_yaml; } >"$W/$p.yaml"
  admin "$p" apply -f "$W/$p.yaml" >>"$W/apply.log" 2>&1 || fail "apply on $p failed: $(tail -n 1 "$W/apply.log")"
done
{ peer_yaml east1 "$E1_GW"; peer_yaml east2 "$E2_GW"
  printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nmetadata: {name: web}\n'
  printf 'spec: {port: 80, targetPort: %s, sources: [{peer: east1, exportName: web}, {peer: east2, exportName: web}]}\n---\n' "$IMPORT_PORT"
  allow_all_yaml; } >"$W/west.yaml"
admin west apply -f "$W/west.yaml" >>"$W/apply.log" 2>&1 || fail "apply on west failed: $(tail -n 1 "$W/apply.log")"

reachable() { # PEER as seen by west
  admin west status -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(p["name"]==sys.argv[1] and p["reachable"] for p in d["peers"]) else 1)' "$1"
}
retry 300 0.1 reachable east1 || fail "west never saw east1 reachable"
retry 300 0.1 reachable east2 || fail "west never saw east2 reachable"
retry 100 0.1 port_open "$IMPORT_PORT" || fail "the import did not listen on :$IMPORT_PORT"

west_active() { admin west status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["egressTunnelsActive"])'; }
no_active() { [ "$(west_active)" = 0 ]; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
snapshot() { # LABEL PID -> "fds live_heap_kb rss_kb"
  timeout 120 jcmd "$2" GC.run >/dev/null 2>&1 || fail "jcmd GC.run failed on $1"
  echo "$(fds "$2") $(heap_used_kb "$2") $(rss_kb "$2")"
}

# warm-up: 2 000 requests, so that class loading and pools are not counted as growth
python3 "$BENCH/lib/soak_load.py" "$IMPORT_PORT" 20 8 "" "$W/warm.log" || fail "warm-up load failed"
retry 100 0.2 no_active || true
read -r FD0 HEAP0 RSS0 <<<"$(snapshot west "${GW_PID[west]}")"
say "start: west fds=$FD0 live_heap=${HEAP0}K rss=${RSS0}K; load for ${MINUTES} min, a kill every ${KILL_EVERY}s"

SECONDS_TOTAL=$((MINUTES * 60))
python3 "$BENCH/lib/soak_load.py" "$IMPORT_PORT" "$SECONDS_TOTAL" "$CONCURRENCY" "$E1_GW,$E2_GW" "$W/load.log" &
LOAD=$!
PIDS+=($LOAD)

KILLS=0
RECOVERY=()
victim=east1
end=$((STARTED + SECONDS_TOTAL + 120))
while alive "$LOAD" && [ "$(date +%s)" -lt "$end" ]; do
  for _ in $(seq "$KILL_EVERY"); do alive "$LOAD" || break; sleep 1; done
  alive "$LOAD" || break
  say "kill -9 $victim"
  kill -KILL "${GW_PID[$victim]}"
  wait "${GW_PID[$victim]}" 2>/dev/null || true
  t0=$(date +%s%N)
  sleep 3
  start_gateway "$victim"
  retry 300 0.1 reachable "$victim" || fail "west did not see $victim reachable again within 30 s"
  RECOVERY+=($((($(date +%s%N) - t0) / 1000000)))
  KILLS=$((KILLS + 1))
  [ "$victim" = east1 ] && victim=east2 || victim=east1
done
wait "$LOAD" || fail "the load generator failed (see $W/load.log)"

retry 150 0.2 no_active || fail "west still has $(west_active) active tunnels after the load ended"
read -r FD1 HEAP1 RSS1 <<<"$(snapshot west "${GW_PID[west]}")"
LAST=$(tail -n 1 "$W/load.log")
say "end: west fds=$FD1 live_heap=${HEAP1}K rss=${RSS1}K; $KILLS kills; load: $LAST"

OUT="$BENCH/results/soak-$(date +%F).md"
{
  echo "# Soak run $(date +%F)"
  echo
  echo "Command: \`bash bench/soak.sh --minutes $MINUTES --kill-every $KILL_EVERY\` at $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -n 1)"
  echo
  echo "Three gateways on 127.0.0.1: east1 and east2 export one python3 http.server backend; west imports it"
  echo "from both (round-robin). Load: $CONCURRENCY workers for $MINUTES min (85 % 1 KiB GETs, 10 % 1 MiB GETs, 5 %"
  echo "half-closed GETs, one connection each), plus 50 idle non-TLS connections held to each exporting"
  echo "gateway's port. Every ${KILL_EVERY} s one exporting gateway is killed with SIGKILL and restarted 3 s later."
  echo
  echo "| west (never killed) | start | end |"
  echo "|---|---|---|"
  echo "| file descriptors | $FD0 | $FD1 |"
  echo "| live heap after full GC (KiB) | $HEAP0 | $HEAP1 |"
  echo "| RSS (KiB) | $RSS0 | $RSS1 |"
  echo
  echo "Kills: $KILLS. Kill to \"west sees the restarted gateway reachable again\" (ms; 3 s of it the wait before"
  echo "the restart, then the JVM's start, then west's heartbeats at their defaults: every 10 s while a peer is"
  echo "unreachable, 3 answers to turn it reachable; polled about once a second): ${RECOVERY[*]:-none}"
  echo "Meanwhile west's round-robin keeps sending to the other exporter (a source that just failed goes last)."
  echo
  echo "Load, one line a minute (ok / err = requests that read the whole answer / that did not; errors are"
  echo "connections that were on a gateway when it was killed):"
  echo
  echo '```'
  cat "$W/load.log"
  echo '```'
  echo
  echo "Active tunnels on west after the load: 0."
} >"$OUT"
say "wrote ${OUT#"$ROOT"/}"
