#!/usr/bin/env bash
# Benchmarks an X-ClusterLink gateway pair against a HAProxy pair, a stunnel pair and no proxy at
# all, on 127.0.0.1 only: iperf3 throughput (1 and 4 streams), new connections per second (wrk,
# Connection: close), request latency at a fixed rate on one keep-alive connection, proxy CPU
# seconds per GB carried, and memory per idle tunnel in the gateways.
#
#   bash bench/run.sh            full: 5 repetitions, 10 s per measurement, 10 000 idle tunnels
#   bash bench/run.sh --quick    1 repetition, 3 s per measurement, 1 000 idle tunnels
#
# Writes bench/results/<date>.md (<date>-2.md, -3.md ... for later full runs that day; <date>-quick.md,
# overwritten, for quick runs) and prints the summary tables. Scratch files
# live in bench/work/run-<pid>/ (removed on success unless BENCH_KEEP_WORK=1, kept on failure). Every process it starts is
# stopped on exit; every wait is bounded; every failure prints one line and exits non-zero.
set -euo pipefail

MODE=full
case "${1:-}" in
  --quick) MODE=quick ;;
  "") ;;
  *)
    echo "usage: bash bench/run.sh [--quick]" >&2
    exit 2
    ;;
esac

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=lib/objects.sh
. "$BENCH/lib/objects.sh"
# shellcheck source=lib/proc.sh
. "$BENCH/lib/proc.sh"
ROOT=$(dirname "$BENCH")
cd "$ROOT"

if [ "$MODE" = quick ]; then
  REPS=1 DUR=3 WARM=2 TUNNELS=1000
else
  REPS=5 DUR=10 WARM=10 TUNNELS=10000
fi
LAT_INTERVAL_MS=2 # one request every 2 ms = 500 requests/s on one persistent connection
BODY_BYTES=100

W="$BENCH/work/run-$$"
RAW="$W/raw.tsv"
CMDS="$W/commands.md"
PIDS=()
STARTED=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

say() { echo "bench: [$(($(date +%s) - STARTED))s] $*" >&2; }
fail() {
  echo "bench: FAIL: $*" >&2
  exit 1
}

# --- processes ---------------------------------------------------------------------------------

cleanup() {
  local rc=$?
  trap - EXIT
  stop_pids ${PIDS[@]+"${PIDS[@]}"}
  if [ "$rc" = 0 ] && [ -z "${BENCH_KEEP_WORK:-}" ]; then
    rm -rf "$W"
  elif [ -d "$W" ]; then
    echo "bench: logs kept in ${W#"$ROOT"/}" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. tools ----------------------------------------------------------------------------------

need=()
for pair in iperf3:iperf3 haproxy:haproxy stunnel4:stunnel4 nginx:nginx-light wrk:wrk openssl:openssl python3:python3; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
mkdir -p "$W" "$BENCH/results"
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian"
  [ "$(id -u)" = 0 ] || fail "missing ${need[*]} and not root (apt-get install -y ${need[*]})"
  timeout 600 apt-get update -qq >"$W/apt.log" 2>&1 || fail "apt-get update failed (see $W/apt.log)"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${need[@]}" >>"$W/apt.log" 2>&1 ||
    fail "apt-get install ${need[*]} failed (see $W/apt.log)"
fi
for t in java jcmd timeout getconf; do
  command -v "$t" >/dev/null 2>&1 || fail "$t not found on PATH (a JDK 17 and coreutils are needed)"
done
CLK_TCK=$(getconf CLK_TCK)

# Every child gets the higher descriptor limit (10 000 idle tunnels = 10 000 sockets per process).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] || [ "$NOFILE" -ge $((TUNNELS + 2000)) ] ||
  fail "open-files limit $NOFILE is too low for $TUNNELS idle tunnels (need $((TUNNELS + 2000)))"

export TMPDIR="$W/tmp"
mkdir -p "$TMPDIR"
unset XCL_JAVA_OPTS

say "mode $MODE: $REPS repetition(s), ${DUR}s per measurement, $TUNNELS idle tunnels; scratch in ${W#"$ROOT"/}"
timeout 900 ./xcl version >"$W/xcl-version.txt" 2>"$W/xcl-build.log" || fail "./xcl did not build or run (see $W/xcl-build.log)"

# --- ports -------------------------------------------------------------------------------------

# Distinct free ports below the ephemeral range (so outgoing connections never take them).
read -r -a P <<<"$(python3 - 25 <<'EOF'
import random, socket, sys
n, got = int(sys.argv[1]), []
cands = random.sample(range(20000, 32000), 4000)
for p in cands:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        got.append(p)
    except OSError:
        pass
    finally:
        s.close()
    if len(got) == n:
        break
print(" ".join(map(str, got)))
EOF
)"
[ ${#P[@]} = 25 ] || fail "could not find 25 free ports on 127.0.0.1"
IPERF=${P[0]} WEB=${P[1]} HOLD=${P[2]}
E_GW=${P[3]} E_ADM=${P[4]} W_GW=${P[5]} W_ADM=${P[6]} X_IPERF=${P[7]} X_WEB=${P[8]} X_HOLD=${P[9]}
H1_IPERF=${P[10]} H1_WEB=${P[11]} H2_IPERF=${P[12]} H2_WEB=${P[13]}
S1_IPERF=${P[14]} S1_WEB=${P[15]} S2_IPERF=${P[16]} S2_WEB=${P[17]}
M_E_GW=${P[18]} M_E_ADM=${P[19]} M_W_GW=${P[20]} M_W_ADM=${P[21]} M_X_IPERF=${P[22]} M_X_WEB=${P[23]} M_X_HOLD=${P[24]}

http_ok() {
  python3 - "$1" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=3) as r:
    assert r.status == 200 and len(r.read()) > 0
EOF
}

# --- 2. backends -------------------------------------------------------------------------------

say "starting iperf3 server :$IPERF and nginx :$WEB"
iperf3 -s -B 127.0.0.1 -p "$IPERF" >"$W/iperf3-server.log" 2>&1 &
PIDS+=($!)

mkdir -p "$W/nginx/tmp"
BODY=$(printf 'x%.0s' $(seq $((BODY_BYTES - 1))))
cat >"$W/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 8192; }
http {
  access_log off;
  default_type text/plain;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $W/nginx/tmp/body;
  proxy_temp_path $W/nginx/tmp/proxy;
  server {
    listen 127.0.0.1:$WEB backlog=4096;
    location / { return 200 "$BODY\n"; }
  }
}
EOF
nginx -t -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" >"$W/nginx/check.log" 2>&1 ||
  fail "nginx rejected its configuration: $(tail -n 1 "$W/nginx/check.log")"
nginx -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" >"$W/nginx/stdout.log" 2>&1 &
PIDS+=($!)
retry 50 0.2 port_open "$IPERF" || fail "iperf3 server did not listen on :$IPERF"
retry 50 0.2 http_ok "$WEB" || fail "nginx did not answer on :$WEB"

# --- certificates for the HAProxy and stunnel pairs ---------------------------------------------

PKI="$W/proxy-pki"
mkdir -p "$PKI"
(
  cd "$PKI"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout ca.key -out ca.crt
  for who in client server; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=bench-$who" \
      -keyout "$who.key" -out "$who.csr"
    eku=clientAuth
    [ "$who" = server ] && eku=serverAuth
    printf 'subjectAltName=DNS:bench-%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$who" "$eku" >"$who.ext"
    openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" -days 2 \
      -extfile "$who.ext" -out "$who.crt"
    cat "$who.crt" "$who.key" >"$who.pem"
  done
) >"$W/openssl.log" 2>&1 || fail "openssl could not make the proxy certificates (see $W/openssl.log)"

TLS13_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256

# --- (c) HAProxy pair ----------------------------------------------------------------------------

# haproxy needs about two descriptors per connection and refuses to start above the limit.
HA_MAXCONN=20000
[ "$NOFILE" = unlimited ] || HA_MAXCONN=$((NOFILE / 2 - 100))
haproxy_global() {
  cat <<EOF
global
  nbthread 2
  maxconn $HA_MAXCONN
  ssl-default-bind-options ssl-min-ver TLSv1.3
  ssl-default-server-options ssl-min-ver TLSv1.3
  ssl-default-bind-ciphersuites $TLS13_SUITES
  ssl-default-server-ciphersuites $TLS13_SUITES
defaults
  mode tcp
  timeout connect 5s
  timeout client 120s
  timeout server 120s
EOF
}
{
  haproxy_global
  for svc in iperf:$H1_IPERF:$H2_IPERF web:$H1_WEB:$H2_WEB; do
    IFS=: read -r name in out <<<"$svc"
    cat <<EOF
frontend ${name}_plain
  bind 127.0.0.1:$in
  default_backend ${name}_tls
backend ${name}_tls
  server h2 127.0.0.1:$out ssl crt $PKI/client.pem ca-file $PKI/ca.crt verify required sni str(bench-server) verifyhost bench-server
EOF
  done
} >"$W/haproxy1.cfg"
{
  haproxy_global
  for svc in iperf:$H2_IPERF:$IPERF web:$H2_WEB:$WEB; do
    IFS=: read -r name in out <<<"$svc"
    cat <<EOF
frontend ${name}_tls
  bind 127.0.0.1:$in ssl crt $PKI/server.pem ca-file $PKI/ca.crt verify required
  default_backend ${name}_plain
backend ${name}_plain
  server backend 127.0.0.1:$out
EOF
  done
} >"$W/haproxy2.cfg"
for i in 1 2; do
  haproxy -c -f "$W/haproxy$i.cfg" >"$W/haproxy$i-check.log" 2>&1 ||
    fail "haproxy #$i rejected its configuration: $(grep -m1 -i alert "$W/haproxy$i-check.log" || tail -n 1 "$W/haproxy$i-check.log")"
done
say "starting the HAProxy pair"
haproxy -db -f "$W/haproxy2.cfg" >"$W/haproxy2.log" 2>&1 &
HA2_PID=$!
PIDS+=($HA2_PID)
haproxy -db -f "$W/haproxy1.cfg" >"$W/haproxy1.log" 2>&1 &
HA1_PID=$!
PIDS+=($HA1_PID)

# --- (d) stunnel pair ----------------------------------------------------------------------------

stunnel_global() {
  cat <<EOF
foreground = yes
pid =
debug = warning
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
EOF
}
{
  stunnel_global
  for svc in iperf:$S1_IPERF:$S2_IPERF web:$S1_WEB:$S2_WEB; do
    IFS=: read -r name in out <<<"$svc"
    cat <<EOF
[$name]
client = yes
accept = 127.0.0.1:$in
connect = 127.0.0.1:$out
sni = bench-server
cert = $PKI/client.crt
key = $PKI/client.key
CAfile = $PKI/ca.crt
verifyChain = yes
checkHost = bench-server
sslVersionMin = TLSv1.3
ciphersuites = $TLS13_SUITES
EOF
  done
} >"$W/stunnel1.conf"
{
  stunnel_global
  for svc in iperf:$S2_IPERF:$IPERF web:$S2_WEB:$WEB; do
    IFS=: read -r name in out <<<"$svc"
    cat <<EOF
[$name]
accept = 127.0.0.1:$in
connect = 127.0.0.1:$out
cert = $PKI/server.crt
key = $PKI/server.key
CAfile = $PKI/ca.crt
verifyChain = yes
requireCert = yes
sslVersionMin = TLSv1.3
ciphersuites = $TLS13_SUITES
EOF
  done
} >"$W/stunnel2.conf"
say "starting the stunnel pair"
stunnel4 "$W/stunnel2.conf" >"$W/stunnel2.log" 2>&1 &
ST2_PID=$!
PIDS+=($ST2_PID)
stunnel4 "$W/stunnel1.conf" >"$W/stunnel1.log" 2>&1 &
ST1_PID=$!
PIDS+=($ST1_PID)
for pp in "$H1_IPERF" "$H1_WEB" "$H2_IPERF" "$H2_WEB" "$S1_IPERF" "$S1_WEB" "$S2_IPERF" "$S2_WEB"; do
  retry 50 0.2 port_open "$pp" || fail "a proxy did not listen on :$pp (see $W/haproxy*.log, $W/stunnel*.log)"
done

# The TLS side of each pair must be TLS 1.3 and must refuse a client without a certificate.
tls_get() { # PORT with|without: one HTTP request over TLS to the server half of a pair
  python3 - "$1" "$2" "$PKI" <<'EOF'
import socket, ssl, sys
port, mode, pki = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(pki + "/ca.crt")
if mode == "with":
    ctx.load_cert_chain(pki + "/client.crt", pki + "/client.key")
with socket.create_connection(("127.0.0.1", port), timeout=3) as raw:
    with ctx.wrap_socket(raw, server_hostname="bench-server") as s:
        assert s.version() == "TLSv1.3", s.version()
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(100)
        assert data.startswith(b"HTTP/1.1 200"), data[:40]
EOF
}
for pp in "$H2_WEB" "$S2_WEB"; do
  retry 25 0.2 tls_get "$pp" with || fail "the TLS half on :$pp did not answer over TLS 1.3 with the client certificate"
  if tls_get "$pp" without >/dev/null 2>&1; then fail "the TLS half on :$pp accepted a client without a certificate"; fi
done

# --- (b) X-ClusterLink gateway pair --------------------------------------------------------------

timeout 120 ./xcl fabric create --name bench --dir "$W/pki" >"$W/xcl-pki.log" 2>&1 || fail "xcl fabric create failed (see $W/xcl-pki.log)"
for peer in east west; do
  timeout 120 ./xcl peer-cert create --fabric bench --name "$peer" --dir "$W/pki" >>"$W/xcl-pki.log" 2>&1 ||
    fail "xcl peer-cert create $peer failed (see $W/xcl-pki.log)"
done

xcl_status_json() { timeout 60 ./xcl --admin "$1" status -o json; }
peer_reachable() { # admin-socket peer-name
  xcl_status_json "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(p["name"]==sys.argv[1] and p["reachable"] for p in d["peers"]) else 1)' "$2"
}

# start_gateways TAG JAVA_OPTS EAST_GW EAST_ADMIN WEST_GW WEST_ADMIN IMPORT_IPERF IMPORT_WEB IMPORT_HOLD
# The admin ports are unused: each gateway's admin API is the socket WORK/state-TAG-SIDE/admin.sock.
# Sets EAST_PID and WEST_PID. East exports iperf, web and hold; west imports them; allow-all on both.
start_gateways() {
  local tag=$1 opts=$2 egw=$3 eadm=$4 wgw=$5 wadm=$6 iiperf=$7 iweb=$8 ihold=$9 side
  eadm="$W/state-$tag-east/admin.sock" wadm="$W/state-$tag-west/admin.sock"
  XCL_JAVA_OPTS="$opts" ./xcl gateway start --fabric bench --name east --dir "$W/pki" --port "$egw" --bind 127.0.0.1 \
    --state-dir "$W/state-$tag-east" >"$W/gw-$tag-east.log" 2>&1 &
  EAST_PID=$!
  PIDS+=($EAST_PID)
  XCL_JAVA_OPTS="$opts" ./xcl gateway start --fabric bench --name west --dir "$W/pki" --port "$wgw" --bind 127.0.0.1 \
    --state-dir "$W/state-$tag-west" >"$W/gw-$tag-west.log" 2>&1 &
  WEST_PID=$!
  PIDS+=($WEST_PID)
  retry 300 0.1 test -S "$eadm" || fail "east gateway ($tag) did not open its admin socket (see $W/gw-$tag-east.log)"
  retry 300 0.1 test -S "$wadm" || fail "west gateway ($tag) did not open its admin socket (see $W/gw-$tag-west.log)"
  retry 60 0.5 xcl_status_json "$eadm" || fail "east gateway ($tag) did not start (see $W/gw-$tag-east.log)"
  retry 60 0.5 xcl_status_json "$wadm" || fail "west gateway ($tag) did not start (see $W/gw-$tag-west.log)"
  for side in "$EAST_PID" "$WEST_PID"; do
    [ "$(cat "/proc/$side/comm" 2>/dev/null)" = java ] || fail "gateway process $side is not a JVM"
  done
  bench_export_side_yaml west "$wgw" iperf="$IPERF" web="$WEB" hold="$HOLD" >"$W/xcl-$tag-east.yaml"
  bench_import_side_yaml east "$egw" iperf=5201:"$iiperf" web=80:"$iweb" hold=9000:"$ihold" >"$W/xcl-$tag-west.yaml"
  timeout 60 ./xcl --admin "$eadm" apply -f "$W/xcl-$tag-east.yaml" >>"$W/gw-$tag-apply.log" 2>&1 ||
    fail "apply on east ($tag) failed: $(tail -n 1 "$W/gw-$tag-apply.log")"
  timeout 60 ./xcl --admin "$wadm" apply -f "$W/xcl-$tag-west.yaml" >>"$W/gw-$tag-apply.log" 2>&1 ||
    fail "apply on west ($tag) failed: $(tail -n 1 "$W/gw-$tag-apply.log")"
  retry 60 0.5 peer_reachable "$wadm" east || fail "west ($tag) never saw east reachable"
  retry 60 0.5 peer_reachable "$eadm" west || fail "east ($tag) never saw west reachable"
}

say "starting the X-ClusterLink gateway pair (XCL_JAVA_OPTS empty)"
start_gateways perf "" "$E_GW" "$E_ADM" "$W_GW" "$W_ADM" "$X_IPERF" "$X_WEB" "$X_HOLD"
XCL_PIDS="$EAST_PID $WEST_PID"

# --- paths ---------------------------------------------------------------------------------------

PATH_IDS=(direct xcl haproxy stunnel)
declare -A IPERF_PORT=([direct]=$IPERF [xcl]=$X_IPERF [haproxy]=$H1_IPERF [stunnel]=$S1_IPERF)
declare -A WEB_PORT=([direct]=$WEB [xcl]=$X_WEB [haproxy]=$H1_WEB [stunnel]=$S1_WEB)
declare -A PROXY_PIDS=([direct]="" [xcl]="$XCL_PIDS" [haproxy]="$HA1_PID $HA2_PID" [stunnel]="$ST1_PID $ST2_PID")

for p in "${PATH_IDS[@]}"; do
  retry 50 0.2 http_ok "${WEB_PORT[$p]}" || fail "no HTTP answer from nginx through path $p (port ${WEB_PORT[$p]})"
done

# Sum of user+system CPU clock ticks of the given processes.
cpu_ticks() {
  local t=0 p v
  for p in "$@"; do
    v=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') || fail "cannot read CPU time of process $p"
    t=$((t + v))
  done
  echo "$t"
}

record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }

# run_iperf TEST PATH REP STREAMS SECONDS (REP 0 = warm-up, not recorded)
run_iperf() {
  local test=$1 path=$2 rep=$3 streams=$4 secs=$5 out="$W/iperf-$1-$2-$3.json" try c0 c1 parsed
  # shellcheck disable=SC2086
  for try in 1 2 3; do
    c0=$(cpu_ticks ${PROXY_PIDS[$path]})
    if timeout $((secs + 30)) iperf3 -c 127.0.0.1 -p "${IPERF_PORT[$path]}" -t "$secs" -P "$streams" -J --connect-timeout 5000 >"$out" 2>&1; then
      c1=$(cpu_ticks ${PROXY_PIDS[$path]})
      break
    fi
    say "iperf3 $test via $path failed (try $try): $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("error","?"))' "$out" 2>/dev/null || tail -n 1 "$out")"
    [ "$try" = 3 ] && fail "iperf3 $test via $path failed 3 times (see $out)"
    sleep 2
  done
  [ "$rep" = 0 ] && return 0
  parsed=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]["sum_received"]; print(e["bits_per_second"], e["bytes"])' "$out") ||
    fail "cannot parse iperf3 output $out"
  read -r bps bytes <<<"$parsed"
  record "$test" "$path" "$rep" gbps "$(python3 -c "print($bps/1e9)")"
  record "$test" "$path" "$rep" gb "$(python3 -c "print($bytes/1e9)")"
  if [ -n "${PROXY_PIDS[$path]}" ]; then
    record "$test" "$path" "$rep" cpu_s "$(python3 -c "print(($c1-$c0)/$CLK_TCK)")"
    record "$test" "$path" "$rep" cpu_s_per_gb "$(python3 -c "print((($c1-$c0)/$CLK_TCK)/($bytes/1e9))")"
  fi
  printf '  %-8s %-8s rep %s: %6.2f Gbit/s\n' "$test" "$path" "$rep" "$(python3 -c "print($bps/1e9)")" >&2
}

# run_conn PATH REP SECONDS: new connections per second (one request per connection)
run_conn() {
  local path=$1 rep=$2 secs=$3 out="$W/wrk-$1-$2.txt" rps err
  timeout $((secs + 30)) wrk -t2 -c32 -d"${secs}s" -H 'Connection: close' "http://127.0.0.1:${WEB_PORT[$path]}/" >"$out" 2>&1 ||
    fail "wrk via $path failed: $(tail -n 1 "$out")"
  [ "$rep" = 0 ] && return 0
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  [ -n "$rps" ] || fail "no Requests/sec in wrk output $out"
  err=$(awk '/Socket errors:/ {gsub(",", ""); s += $4 + $6 + $8 + $10} /Non-2xx or 3xx responses:/ {s += $5} END {print s + 0}' "$out")
  record conn "$path" "$rep" rps "$rps"
  record conn "$path" "$rep" errors "$err"
  printf '  %-8s %-8s rep %s: %8.0f conn/s (%s errors)\n' conn "$path" "$rep" "$rps" "$err" >&2
}

# run_lat PATH REP SECONDS: latency at a fixed rate on one keep-alive connection
run_lat() {
  local path=$1 rep=$2 secs=$3 out="$W/lat-$1-$2.json" k
  timeout $((secs + 40)) python3 "$BENCH/lib/latency_client.py" "${WEB_PORT[$path]}" "$LAT_INTERVAL_MS" "$secs" >"$out" 2>&1 ||
    fail "latency client via $path failed: $(tail -n 1 "$out")"
  [ "$rep" = 0 ] && return 0
  for k in n p50_us p99_us p999_us max_us late; do
    record lat "$path" "$rep" "$k" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$out" "$k")"
  done
  printf '  %-8s %-8s rep %s: %s\n' lat "$path" "$rep" "$(cat "$out")" >&2
}

{
  echo "Ports: direct iperf3 :$IPERF nginx :$WEB; X-ClusterLink imports :$X_IPERF :$X_WEB (gateways east :$E_GW, west :$W_GW);"
  echo "HAProxy #1 :$H1_IPERF :$H1_WEB → #2 :$H2_IPERF :$H2_WEB; stunnel client :$S1_IPERF :$S1_WEB → server :$S2_IPERF :$S2_WEB."
  echo "PORT below is the path's entry port. Order per repetition: for each test, every path in turn; repetition r starts with the r-th path of (direct, X-ClusterLink, HAProxy, stunnel) and goes round, so that no path always follows the same one."
  echo
  echo '```'
  echo "iperf3 -s -B 127.0.0.1 -p $IPERF"
  echo "nginx -p WORK/nginx -c WORK/nginx/nginx.conf -e WORK/nginx/error.log   # worker_processes 2, returns $BODY_BYTES bytes"
  echo "XCL_JAVA_OPTS= ./xcl gateway start --fabric bench --name east --dir WORK/pki --port $E_GW --bind 127.0.0.1 --state-dir WORK/state-perf-east"
  echo "XCL_JAVA_OPTS= ./xcl gateway start --fabric bench --name west --dir WORK/pki --port $W_GW --bind 127.0.0.1 --state-dir WORK/state-perf-west"
  echo "./xcl --admin WORK/state-perf-{east,west}/admin.sock apply -f WORK/xcl-perf-{east,west}.yaml   # exports/imports + allow-all AccessPolicy on both"
  echo "haproxy -db -f WORK/haproxy2.cfg ; haproxy -db -f WORK/haproxy1.cfg"
  echo "stunnel4 WORK/stunnel2.conf ; stunnel4 WORK/stunnel1.conf"
  echo "# warm-up per path (not recorded): iperf3 -c 127.0.0.1 -p PORT -t $WARM -P 1; wrk ... -d${WARM}s; latency_client.py PORT $LAT_INTERVAL_MS $WARM"
  echo "iperf3 -c 127.0.0.1 -p PORT -t $DUR -P 1 -J --connect-timeout 5000   # end.sum_received.bits_per_second, .bytes"
  echo "iperf3 -c 127.0.0.1 -p PORT -t $DUR -P 4 -J --connect-timeout 5000"
  echo "wrk -t2 -c32 -d${DUR}s -H 'Connection: close' http://127.0.0.1:PORT/   # Requests/sec"
  echo "python3 bench/lib/latency_client.py PORT $LAT_INTERVAL_MS $DUR   # GET / every ${LAT_INTERVAL_MS} ms on one keep-alive connection, after 100 warm-up requests"
  echo "# CPU: utime+stime from /proc/PID/stat (÷ CLK_TCK=$CLK_TCK) of both proxy processes, before/after each iperf3 run, ÷ GB received"
  echo '```'
} >"$CMDS"

# --- 3. measurements -----------------------------------------------------------------------------

say "warm-up (not recorded)"
for p in "${PATH_IDS[@]}"; do
  run_iperf iperf1 "$p" 0 1 "$WARM"
  run_conn "$p" 0 "$WARM"
  run_lat "$p" 0 "$WARM"
done

for rep in $(seq "$REPS"); do
  # the paths take turns going first, so that no path always follows the same neighbour
  n=${#PATH_IDS[@]} order=()
  for i in $(seq 0 $((n - 1))); do order+=("${PATH_IDS[$(((rep - 1 + i) % n))]}"); done
  say "repetition $rep of $REPS (order: ${order[*]})"
  for p in "${order[@]}"; do run_iperf iperf1 "$p" "$rep" 1 "$DUR"; done
  for p in "${order[@]}"; do run_iperf iperf4 "$p" "$rep" 4 "$DUR"; done
  for p in "${order[@]}"; do run_conn "$p" "$rep" "$DUR"; done
  for p in "${order[@]}"; do run_lat "$p" "$rep" "$DUR"; done
done

# --- memory per idle tunnel ----------------------------------------------------------------------

say "stopping the throughput gateways; starting a pair with XCL_JAVA_OPTS=-Xmx512m for $TUNNELS idle tunnels"
# shellcheck disable=SC2086
stop_pids $XCL_PIDS
python3 "$BENCH/lib/hold_server.py" "$HOLD" 900 >"$W/hold-server.log" 2>&1 &
PIDS+=($!)
retry 50 0.2 port_open "$HOLD" || fail "the hold backend did not listen on :$HOLD"
start_gateways mem "-Xmx512m" "$M_E_GW" "$M_E_ADM" "$M_W_GW" "$M_W_ADM" "$M_X_IPERF" "$M_X_WEB" "$M_X_HOLD"
M_EAST=$EAST_PID M_WEST=$WEST_PID

active_counts() { # prints "west-egress east-ingress"
  local w e
  w=$(xcl_status_json "$W/state-mem-west/admin.sock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["egressTunnelsActive"])') || return 1
  e=$(xcl_status_json "$W/state-mem-east/admin.sock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["ingressTunnelsActive"])') || return 1
  echo "$w $e"
}
active_at_least() { # N
  local w e
  read -r w e <<<"$(active_counts)" || return 1
  [ -n "$w" ] && [ -n "$e" ] && [ "$w" -ge "$1" ] && [ "$e" -ge "$1" ]
}
active_at_most() { # N
  local w e
  read -r w e <<<"$(active_counts)" || return 1
  [ -n "$w" ] && [ -n "$e" ] && [ "$w" -le "$1" ] && [ "$e" -le "$1" ]
}
snapshot() { # when: before|after. Heap as found, then a full GC, then live heap and RSS.
  local gw pid v
  for gw in west east; do
    pid=$M_WEST
    [ "$gw" = east ] && pid=$M_EAST
    v=$(heap_used_kb "$pid") || fail "jcmd GC.heap_info failed on the $gw gateway ($pid)"
    record mem xcl 0 "${gw}_heap_kb_$1" "$v"
    timeout 120 jcmd "$pid" GC.run >/dev/null 2>&1 || fail "jcmd GC.run failed on the $gw gateway ($pid)"
    v=$(heap_used_kb "$pid") || fail "jcmd GC.heap_info failed on the $gw gateway ($pid)"
    record mem xcl 0 "${gw}_liveheap_kb_$1" "$v"
    v=$(rss_kb "$pid") || fail "cannot read VmRSS of the $gw gateway"
    record mem xcl 0 "${gw}_rss_kb_$1" "$v"
  done
}

# warm-up: 200 tunnels opened and closed, so class loading and pools are not counted per tunnel
touch "$W/release-warm"
timeout 120 python3 "$BENCH/lib/idle_tunnels.py" "$M_X_HOLD" 200 "$W/release-warm" 60 >"$W/idle-warm.log" 2>&1 ||
  fail "warm-up tunnels failed: $(tail -n 1 "$W/idle-warm.log")"
retry 60 0.5 active_at_most 0 || fail "warm-up tunnels did not close on the gateways"
sleep 2
snapshot before

rm -f "$W/release"
python3 "$BENCH/lib/idle_tunnels.py" "$M_X_HOLD" "$TUNNELS" "$W/release" 600 >"$W/idle.log" 2>&1 &
IDLE_PID=$!
PIDS+=($IDLE_PID)
retry 600 0.5 grep -q '^opened' "$W/idle.log" || fail "the idle-tunnel client did not open $TUNNELS connections: $(tail -n 1 "$W/idle.log")"
retry 120 1 active_at_least $((TUNNELS * 99 / 100)) ||
  fail "the gateways never showed ~$TUNNELS active tunnels (last: $(active_counts || echo '?'))"
sleep 2
read -r WACT EACT <<<"$(active_counts)"
record mem xcl 0 west_active "$WACT"
record mem xcl 0 east_active "$EACT"
record mem xcl 0 n "$TUNNELS"
snapshot after
touch "$W/release"
for _ in $(seq 300); do alive "$IDLE_PID" || break; sleep 0.2; done
alive "$IDLE_PID" && fail "the idle-tunnel client did not finish"
wait "$IDLE_PID" 2>/dev/null || fail "the idle-tunnel client failed: $(tail -n 1 "$W/idle.log")"
read -r _ HELD _ DROPPED <<<"$(grep '^held' "$W/idle.log")"
record mem xcl 0 held "$HELD"
record mem xcl 0 dropped "$DROPPED"
retry 60 1 active_at_most 0 || say "warning: tunnels still active on the gateways 60 s after the client closed"

# --- 4. results ----------------------------------------------------------------------------------

DATE=$(date +%F)
if [ "$MODE" = quick ]; then
  OUT="$BENCH/results/$DATE-quick.md"
else
  # a later full run on the same day gets its own file: results of earlier runs are kept
  OUT="$BENCH/results/$DATE.md" n=2
  while [ -e "$OUT" ]; do OUT="$BENCH/results/$DATE-$n.md" n=$((n + 1)); done
fi
python3 "$BENCH/lib/summarize.py" "$RAW" "$W/tables.md" "$REPS" >"$W/summary.txt" || fail "summarize.py failed"
ELAPSED=$(($(date +%s) - STARTED))
{
  echo "# X-ClusterLink benchmark — $DATE ($MODE)"
  echo
  echo "Generated by \`bash bench/run.sh$([ "$MODE" = quick ] && echo ' --quick')\` in ${ELAPSED} s. All traffic on 127.0.0.1; every"
  echo "process (load generators, backends, proxies) shares the same $(nproc) cores, so each number is the whole"
  echo "system's on this machine, not a proxy in isolation. Medians of $REPS repetition(s), ${DUR} s per measurement."
  echo
  echo "## Machine"
  echo
  echo "- commit: \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git diff --quiet HEAD 2>/dev/null || echo ' (work tree has uncommitted changes)')"
  echo "- cpu: $(nproc) × $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "- memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -sr)"
  echo "- java: $(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  echo "- $(iperf3 --version | head -n 1)"
  echo "- $(haproxy -v | head -n 1)"
  echo "- $(stunnel4 -version 2>&1 | grep -m1 '^stunnel')"
  echo "- $(nginx -v 2>&1)"
  echo "- $(wrk -v 2>&1 | head -n 1)"
  echo "- $(openssl version)"
  echo "- open-files limit: $NOFILE"
  echo "- load average (1/5/15 min) at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg) — anything above ~0 at the start is other work sharing these cores"
  echo
  echo "## Paths"
  echo
  echo "- **A direct**: client → backend."
  echo "- **B X-ClusterLink**: client → west import port → (mTLS 1.3, HTTP/2 stream over a pooled connection) → east → backend. Default JVM options (XCL_JAVA_OPTS empty)."
  echo "- **C HAProxy pair**: client → haproxy #1 (tcp, plain) → (mTLS 1.3, \`verify required\`, one TLS connection per client connection, session resumption on) → haproxy #2 → backend. \`nbthread 2\`."
  echo "- **D stunnel pair**: client → stunnel client mode → (mTLS 1.3, \`verifyChain\`, one TLS connection per client connection) → stunnel server mode → backend."
  echo
  echo "HAProxy and stunnel use ECDSA P-256 certificates from a throwaway CA and the TLS 1.3 suites in X-ClusterLink's order"
  echo "($TLS13_SUITES); X-ClusterLink uses its own \`xcl fabric\`/\`peer-cert\` certificates (ECDSA P-256)."
  echo "Backends: iperf3 server; nginx answering every request with $BODY_BYTES bytes, keep-alive on."
  echo
  echo "## Commands"
  echo
  cat "$CMDS"
  echo
  echo "<details><summary>HAProxy and stunnel configurations</summary>"
  echo
  for f in haproxy1.cfg haproxy2.cfg stunnel1.conf stunnel2.conf; do
    echo "\`$f\`:"
    echo
    echo '```'
    sed "s#$W#WORK#g" "$W/$f"
    echo '```'
    echo
  done
  echo "</details>"
  echo
  echo "Memory test: \`XCL_JAVA_OPTS=-Xmx512m ./xcl gateway start ...\` (a fresh pair), a python3 asyncio backend that holds"
  echo "connections (\`bench/lib/hold_server.py\`), 200 warm-up tunnels opened and closed, then"
  echo "\`python3 bench/lib/idle_tunnels.py PORT $TUNNELS ...\` opens $TUNNELS idle connections to west's import port; once"
  echo "\`./xcl status -o json\` shows ≥ 99 % of them in counters.egressTunnelsActive (west) and ingressTunnelsActive (east):"
  echo "\`jcmd PID GC.heap_info\`, \`jcmd PID GC.run\`, \`jcmd PID GC.heap_info\`, VmRSS on both JVMs (the same before opening)."
  echo
  cat "$W/tables.md"
  echo
  echo "## Gateway logs"
  echo
  echo "WARN/ERROR lines and exception lines in the gateways' logs, by message (timestamps removed):"
  echo
  for f in gw-perf-east gw-perf-west gw-mem-east gw-mem-west; do
    n=$(grep -cE ' (WARN|ERROR) ' "$W/$f.log" || true)
    echo "- \`$f\`: $n WARN/ERROR lines"
    grep -E ' (WARN|ERROR) |Exception' "$W/$f.log" | grep -vE '^[[:space:]]+at ' | sed -E 's/^[0-9:.]+ //; s/^/    /' |
      sort | uniq -c | sort -rn | head -n 6 | sed -E 's/^ *([0-9]+) +/  - ×\1 `/; s/$/`/' || true
  done
  if [ -d "$BENCH/jmh" ]; then
    echo
    echo "## JMH"
    echo
    echo "JMH: see bench/jmh"
  fi
} >"$OUT"

echo
echo "X-ClusterLink benchmark ($MODE, $REPS repetition(s), ${DUR}s each) — medians"
echo
cat "$W/summary.txt"
echo
echo "results: ${OUT#"$ROOT"/}"
