#!/usr/bin/env bash
# A/B of two builds of the gateway, side by side in one run, with a HAProxy mutual-TLS pair as the
# yardstick: iperf3 throughput (and gateway CPU seconds per GB) or request latency, interleaved
# A B H A B H ... so that both builds see the same machine load. Everything on 127.0.0.1.
#
#   bash bench/ab.sh snapshot DIR          copy the current build (cli/target/xcl.jar + lib/) to DIR
#   bash bench/ab.sh run A_DIR B_DIR [--reps N] [--seconds S] [--streams "1 4"] [--latency]
#       [--a-opts "JVM OPTIONS"] [--b-opts "JVM OPTIONS"]
#
# Typical use: snapshot before a change, rebuild, snapshot after, run. Prints one line per
# measurement ("B P4 8.97 Gbit/s cpu 1.42 s/GB", or "A lat {json}"). Ports: AB_PORT_BASE (25200) +
# 0..9, +800..+806 (A), +1800.. (B), +2800.. (H). Every process it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=lib/objects.sh
. "$ROOT/bench/lib/objects.sh"
die() {
  echo "ab: $*" >&2
  exit 1
}

if [ "${1:-}" = snapshot ]; then
  [ -n "${2:-}" ] || die "usage: bash bench/ab.sh snapshot DIR"
  [ -f "$ROOT/cli/target/xcl.jar" ] || die "no build: run 'mvn -q install -DskipTests' (or ./xcl --help) first"
  rm -rf "$2" && mkdir -p "$2" && cp -r "$ROOT/cli/target/xcl.jar" "$ROOT/cli/target/lib" "$2/"
  echo "ab: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+changes') copied to $2"
  exit 0
fi
[ "${1:-}" = run ] && [ -n "${2:-}" ] && [ -n "${3:-}" ] || die "usage: bash bench/ab.sh snapshot DIR | run A_DIR B_DIR [options]"
A_JAR=$(cd "$2" && pwd -P)/xcl.jar B_JAR=$(cd "$3" && pwd -P)/xcl.jar
shift 3
REPS=3 DUR=5 STREAMS="1 4" LAT="" A_OPTS="" B_OPTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --seconds) DUR=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --latency) LAT=1; shift ;;
    --a-opts) A_OPTS=$2; shift 2 ;;
    --b-opts) B_OPTS=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
for f in "$A_JAR" "$B_JAR"; do [ -f "$f" ] || die "$f not found (make it with: bash bench/ab.sh snapshot DIR)"; done
for tool in iperf3 haproxy nginx python3 curl; do command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y iperf3 haproxy nginx python3 curl)"; done

BASE=${AB_PORT_BASE:-25200}
IPERF=$((BASE + 1)) WEB=$((BASE + 2))
declare -A PAIR_BASE=([A]=$((BASE + 800)) [B]=$((BASE + 1800)) [H]=$((BASE + 2800)))
W=$(mktemp -d /tmp/xcl-ab.XXXXXX)
PIDS=()
cleanup() {
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
retry() { # N DELAY CMD...: bounded wait
  local n=$1 d=$2 i
  shift 2
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep "$d"; done
  return 1
}

java -jar "$A_JAR" fabric create --name bench --dir "$W/pki" >/dev/null
for p in east west; do java -jar "$A_JAR" peer-cert create --fabric bench --name "$p" --dir "$W/pki" >/dev/null; done
iperf3 -s -B 127.0.0.1 -p "$IPERF" >/dev/null 2>&1 &
PIDS+=($!)
mkdir -p "$W/nginx/logs"
cat >"$W/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:$WEB; location / { return 200 "$(printf '%0100d' 0)"; } } }
EOF
nginx -p "$W/nginx" -c "$W/nginx/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
PIDS+=($!)

declare -A EAST WEST
# Builds from the admin-socket change on (ADR 0006) serve the admin API on the socket in their state
# folder; older ones on a TCP port (PORT+1). Each build is started the way it understands.
declare -A ADMIN
socket_build() { java -jar "$1" --help 2>/dev/null | grep -q -- --admin-cert; }
start_gateway() { # TAG JAR "JVM OPTS" NAME PORT
  local admin_opts=()
  if socket_build "$2"; then
    ADMIN[$1-$4]="$W/state-$1-$4/admin.sock"
  else
    admin_opts=(--admin "127.0.0.1:$(($5 + 1))")
    ADMIN[$1-$4]="http://127.0.0.1:$(($5 + 1))"
  fi
  # shellcheck disable=SC2086
  java $3 -jar "$2" gateway start --fabric bench --name "$4" --dir "$W/pki" --port "$5" --bind 127.0.0.1 \
    ${admin_opts[@]+"${admin_opts[@]}"} --state-dir "$W/state-$1-$4" >"$W/$1-$4.log" 2>&1 &
  PIDS+=($!)
}
start_pair() { # TAG JAR "JVM OPTS": east on base+1, west on base+3
  local tag=$1 jar=$2 b=${PAIR_BASE[$1]}
  start_gateway "$tag" "$jar" "$3" east $((b + 1)) && EAST[$tag]=$!
  start_gateway "$tag" "$jar" "$3" west $((b + 3)) && WEST[$tag]=$!
  retry 150 0.2 java -jar "$jar" --admin "${ADMIN[$tag-east]}" status || die "gateway pair $tag did not start (see $W/$tag-east.log)"
  retry 150 0.2 java -jar "$jar" --admin "${ADMIN[$tag-west]}" status || die "gateway pair $tag did not start (see $W/$tag-west.log)"
  bench_export_side_yaml west $((b + 3)) iperf="$IPERF" web="$WEB" >"$W/$tag-east.yaml"
  bench_import_side_yaml east $((b + 1)) iperf=5201:$((b + 5)) web=80:$((b + 6)) >"$W/$tag-west.yaml"
  java -jar "$jar" --admin "${ADMIN[$tag-east]}" apply -f "$W/$tag-east.yaml" >/dev/null
  java -jar "$jar" --admin "${ADMIN[$tag-west]}" apply -f "$W/$tag-west.yaml" >/dev/null
}
start_pair A "$A_JAR" "$A_OPTS"
start_pair B "$B_JAR" "$B_OPTS"

# HAProxy pair: west (plain in, mTLS out, checks the server is "east") -> east (mTLS in) -> backends
b=${PAIR_BASE[H]}
cat "$W/pki/bench/east/tls.crt" "$W/pki/bench/east/tls.key" >"$W/east.pem"
cat "$W/pki/bench/west/tls.crt" "$W/pki/bench/west/tls.key" >"$W/west.pem"
head="global
  nbthread 2
  ssl-default-bind-options ssl-min-ver TLSv1.3
  ssl-default-server-options ssl-min-ver TLSv1.3
defaults
  mode tcp
  timeout connect 5s
  timeout client 120s
  timeout server 120s"
tls_out="ssl crt $W/west.pem ca-file $W/pki/bench/ca.crt verify required sni str(east) verifyhost east"
tls_in="ssl crt $W/east.pem ca-file $W/pki/bench/ca.crt verify required"
printf '%s\n' "$head" "frontend iperf" "  bind 127.0.0.1:$((b + 5))" "  default_backend iperf" "backend iperf" \
  "  server east 127.0.0.1:$((b + 1)) $tls_out" "frontend web" "  bind 127.0.0.1:$((b + 6))" "  default_backend web" \
  "backend web" "  server east 127.0.0.1:$((b + 2)) $tls_out" >"$W/haproxy-west.cfg"
printf '%s\n' "$head" "frontend iperf" "  bind 127.0.0.1:$((b + 1)) $tls_in" "  default_backend iperf" "backend iperf" \
  "  server s 127.0.0.1:$IPERF" "frontend web" "  bind 127.0.0.1:$((b + 2)) $tls_in" "  default_backend web" \
  "backend web" "  server s 127.0.0.1:$WEB" >"$W/haproxy-east.cfg"
haproxy -db -f "$W/haproxy-east.cfg" >"$W/haproxy-east.log" 2>&1 &
PIDS+=($!) && EAST[H]=$!
haproxy -db -f "$W/haproxy-west.cfg" >"$W/haproxy-west.log" 2>&1 &
PIDS+=($!) && WEST[H]=$!

for t in A B H; do
  retry 60 0.5 iperf3 -c 127.0.0.1 -p $((${PAIR_BASE[$t]} + 5)) -t 1 || die "no iperf3 answer through path $t"
done
ticks() { awk '{s += $14 + $15} END {print s}' "/proc/$1/stat" "/proc/$2/stat"; }

if [ -n "$LAT" ]; then
  for t in A B H; do python3 "$ROOT/bench/lib/latency_client.py" $((${PAIR_BASE[$t]} + 6)) 2 3 >/dev/null; done # warm-up
  for r in $(seq "$REPS"); do
    for t in A B H; do
      echo "$t lat $(python3 "$ROOT/bench/lib/latency_client.py" $((${PAIR_BASE[$t]} + 6)) 2 "$DUR")"
    done
  done
  exit 0
fi
for t in A B H; do iperf3 -c 127.0.0.1 -p $((${PAIR_BASE[$t]} + 5)) -t 5 >/dev/null; done # warm-up (JIT)
for n in $STREAMS; do
  for r in $(seq "$REPS"); do
    for t in A B H; do
      c0=$(ticks "${EAST[$t]}" "${WEST[$t]}")
      out=""
      for k in 1 2 3; do
        out=$(iperf3 -c 127.0.0.1 -p $((${PAIR_BASE[$t]} + 5)) -t "$DUR" -P "$n" -J 2>/dev/null) && break
        out="" && sleep 1 # the iperf3 server may still be finishing the previous test
      done
      [ -n "$out" ] || die "iperf3 through path $t failed three times"
      c1=$(ticks "${EAST[$t]}" "${WEST[$t]}")
      python3 -c 'import json, sys
d = json.loads(sys.argv[1])["end"]["sum_received"]
gbits, gb = d["bits_per_second"] / 1e9, d["bytes"] / 1e9
print("%s P%s %6.2f Gbit/s  cpu %.2f s/GB" % (sys.argv[2], sys.argv[4], gbits, int(sys.argv[3]) / 100 / gb))' \
        "$out" "$t" $((c1 - c0)) "$n"
    done
  done
done
