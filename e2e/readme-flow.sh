#!/usr/bin/env bash
# End to end, as a user would: ./xcl creates a fabric, starts two gateways as separate processes,
# applies YAML, and a real client (curl) reaches a real server (python3 http.server) through them.
# Also checks a bad YAML is refused with a one-line message and a deny policy cuts access.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
fail() { echo "e2e: FAIL: $*" >&2; echo "--- gateway logs"; tail -n 30 "$T"/*.log >&2 || true; exit 1; }
# bounded polling: up to $1 tries, 0.2 s apart, of the command that follows
retry() { local n=$1; shift; for _ in $(seq "$n"); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.2; done; return 1; }

./xcl version >/dev/null
./xcl fabric create --name demo --dir "$T"
./xcl peer-cert create --fabric demo --name east --dir "$T"
./xcl peer-cert create --fabric demo --name west --dir "$T"
[ "$(stat -c %a "$T/demo/east/tls.key")" = 600 ] || fail "peer key is not mode 0600"

EAST_GW=$(free_port); WEST_GW=$(free_port)
WEB=$(free_port); IMPORT=$(free_port)
mkdir -p "$T/www" && echo "hello through X-ClusterLink" > "$T/www/hello.txt"
python3 -m http.server "$WEB" --bind 127.0.0.1 --directory "$T/www" >"$T/web.log" 2>&1 & PIDS+=($!)

./xcl gateway start --fabric demo --name east --dir "$T" --port "$EAST_GW" --bind 127.0.0.1 \
  --state-dir "$T/state-east" --label zone=east >"$T/east.log" 2>&1 & PIDS+=($!)
./xcl gateway start --fabric demo --name west --dir "$T" --port "$WEST_GW" --bind 127.0.0.1 \
  --state-dir "$T/state-west" --label zone=west >"$T/west.log" 2>&1 & PIDS+=($!)
EAST="./xcl --admin $T/state-east/admin.sock"
WEST="./xcl --admin $T/state-west/admin.sock"
retry 150 $EAST status || fail "east gateway did not start"
retry 150 $WEST status || fail "west gateway did not start"
[ "$(stat -c %a "$T/state-east/admin.sock")" = 600 ] || fail "admin socket is not mode 0600"
code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/state-east/admin.sock" -X POST \
  -H 'Content-Type: text/plain' -H 'Origin: http://evil.example' --data-binary 'x' http://localhost/v1/apply)
[ "$code" = 403 ] || fail "a request with a foreign Origin got $code (expected: 403)"
echo "e2e: admin socket is private and refuses web pages: ok"

cat >"$T/east.yaml" <<YAML
apiVersion: xclusterlink.io/v1alpha1
kind: Peer
metadata: {name: west}
spec: {gateways: [{host: 127.0.0.1, port: $WEST_GW}]}
---
apiVersion: xclusterlink.io/v1alpha1
kind: Export
metadata: {name: web}
spec: {host: 127.0.0.1, port: $WEB}
---
apiVersion: xclusterlink.io/v1alpha1
kind: AccessPolicy
metadata: {name: allow-west}
spec:
  action: allow
  from: [{workloadSelector: {matchLabels: {peer.xclusterlink.io/name: west}}}]
  to: [{workloadSelector: {}}]
YAML
cat >"$T/west.yaml" <<YAML
apiVersion: xclusterlink.io/v1alpha1
kind: Peer
metadata: {name: east}
spec: {gateways: [{host: 127.0.0.1, port: $EAST_GW}]}
---
apiVersion: xclusterlink.io/v1alpha1
kind: Import
metadata: {name: web}
spec:
  port: 80
  targetPort: $IMPORT
  sources: [{peer: east, exportName: web, exportNamespace: default}]
---
apiVersion: xclusterlink.io/v1alpha1
kind: AccessPolicy
metadata: {name: allow-all}
spec: {action: allow, from: [{workloadSelector: {}}], to: [{workloadSelector: {}}]}
YAML
$EAST apply -f "$T/east.yaml"
$WEST apply -f "$T/west.yaml"

peer_up() { $WEST status -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(p["name"]=="east" and p["reachable"] for p in d["peers"]) else 1)'; }
retry 100 peer_up || fail "west never saw east reachable"
got=$(curl -sS --max-time 5 "http://127.0.0.1:$IMPORT/hello.txt") || fail "curl through the gateways failed"
[ "$got" = "hello through X-ClusterLink" ] || fail "unexpected answer: $got"
echo "e2e: curl through two gateways: ok"

# a client that half-closes (nc -N: FIN after the request) still reads the whole answer
got=$(printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | timeout 10 nc -N 127.0.0.1 "$IMPORT" | tail -n 1) || fail "nc -N through the gateways failed"
[ "$got" = "hello through X-ClusterLink" ] || fail "half-closed request: unexpected answer: $got"
echo "e2e: half-close (nc -N) through two gateways: ok"

# a bad object is refused with one line, and nothing changes
cat >"$T/bad.yaml" <<YAML
apiVersion: xclusterlink.io/v1alpha1
kind: Import
metadata: {name: web}
spec: {port: 80, lbScheme: fastest, sources: [{peer: east, exportName: web}]}
YAML
if err=$($WEST apply -f "$T/bad.yaml" 2>&1); then fail "bad lbScheme was accepted"; fi
echo "$err" | grep -q "lbScheme" || fail "error does not name the field: $err"
[ "$(echo "$err" | wc -l)" = 1 ] || fail "error is not one line: $err"
curl -sS --max-time 5 "http://127.0.0.1:$IMPORT/hello.txt" >/dev/null || fail "previous import stopped working after a refused apply"
echo "e2e: invalid object refused with: $err"

# removing the ingress allow policy cuts access (default deny)
$EAST delete accesspolicy allow-west
denied() { ! curl -sS --max-time 3 "http://127.0.0.1:$IMPORT/hello.txt"; }
retry 50 denied || fail "access still works after the allow policy was deleted"
echo "e2e: default deny after deleting the policy: ok"

# the state survives a restart of the gateway process
kill "${PIDS[2]}"; wait "${PIDS[2]}" 2>/dev/null || true
./xcl gateway start --fabric demo --name east --dir "$T" --port "$EAST_GW" --bind 127.0.0.1 \
  --state-dir "$T/state-east" >>"$T/east.log" 2>&1 & PIDS+=($!)
retry 150 $EAST get exports web || fail "export web did not survive a restart"
echo "e2e: state survived a gateway restart: ok"
echo "e2e: all passed"
