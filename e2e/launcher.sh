#!/usr/bin/env bash
# The ./xcl launcher's start-up for agents (docs/network-path.md, "cold start"): `agent run` gets
# only the agent's jars on its class path; after a build it makes class data sharing archives
# (cli/target/xcl.jsa, cli/target/xcl-agent.jsa) from cli/src/main/cds/xcl.classlist, later starts
# map the agent's classes from them, a rebuilt jar gets new ones, XCL_CDS=off starts without them,
# and none of it shows in a command's output.
set -euo pipefail
cd "$(dirname "$0")/.."
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() {
  echo "launcher: FAIL: $*" >&2
  exit 1
}

./xcl version >"$W/out" 2>"$W/err" || fail "./xcl version: $(cat "$W/err")"
[ -s cli/target/xcl.jsa ] || fail "no cli/target/xcl.jsa after a start (cli/target/xcl.jsa.log: $(head -c 500 cli/target/xcl.jsa.log))"
[ "$(wc -l <"$W/out")" = 2 ] && grep -q '^xcl ' "$W/out" || fail "./xcl version printed more than its two lines: $(cat "$W/out")"

# the agent's class path: its own jars, not the whole CLI's (the gateway's, Kubernetes')
XCL_JAVA_OPTS=-XshowSettings:properties ./xcl agent run --help 2>"$W/settings" >/dev/null ||
  fail "./xcl agent run --help: $(tail -n 5 "$W/settings")"
grep -q 'xcl-agent.jar' "$W/settings" || fail "agent run did not start from cli/target/xcl-agent.jar"
grep -q 'jna-' "$W/settings" || fail "agent run has no JNA on its class path"
! grep -q -E 'kubernetes-client|netty-codec-http|bcprov' "$W/settings" ||
  fail "agent run has the whole CLI's class path: $(grep -E 'kubernetes-client|netty|bcprov' "$W/settings" | head -3)"
[ -s cli/target/xcl-agent.jsa ] || fail "no cli/target/xcl-agent.jsa after an agent start (cli/target/xcl-agent.jsa.log: $(head -c 500 cli/target/xcl-agent.jsa.log))"
# ... and enough for an agent from objects: it runs until it asks the gateway's admin API (none here)
timeout 30 ./xcl agent run --admin "$W/none.sock" --role router --vpc vpc-a --transit-device lo \
  >"$W/objects.log" 2>&1 &
objects=$!
for _ in $(seq 1 300); do
  grep -q 'GET /v1/vpcs' "$W/objects.log" && break
  kill -0 "$objects" 2>/dev/null || break
  timeout 0.1 tail -f /dev/null || true # 100 ms, bounded
done
kill "$objects" 2>/dev/null || true
wait "$objects" 2>/dev/null || true
grep -q "admin API at $W/none.sock: GET /v1/vpcs" "$W/objects.log" ||
  fail "agent run --admin did not get to the admin API: $(head -c 800 "$W/objects.log")"
! grep -q -E 'NoClassDefFoundError|ClassNotFoundException' "$W/objects.log" ||
  fail "agent run --admin is missing classes: $(grep -m1 -E 'NoClassDef|ClassNotFound' "$W/objects.log")"

# where the agent command's classes come from
classes() {
  XCL_JAVA_OPTS="-Xlog:class+load:file=$W/classes-$1.txt" ./xcl agent run --help >/dev/null
  grep -E ' (picocli\.CommandLine|io\.xclusterlink\.cli\.agent\.RunAgentCommand) source:' "$W/classes-$1.txt"
}
classes on | grep -q 'RunAgentCommand source: shared objects file' ||
  fail "the agent's command class was not mapped from the archive"
classes off >/dev/null
XCL_CDS=off XCL_JAVA_OPTS="-Xlog:class+load:file=$W/classes-off.txt" ./xcl agent run --help >/dev/null
grep -q 'RunAgentCommand source: file:' "$W/classes-off.txt" || fail "XCL_CDS=off still mapped the archive"

# a jar newer than the archive's stamp: made again at the next start
before=$(stat -c %Y.%N cli/target/xcl.jsa.stamp 2>/dev/null || stat -c %Y cli/target/xcl.jsa.stamp)
touch -d '+2 seconds' cli/target/xcl.jar
./xcl version >/dev/null
after=$(stat -c %Y.%N cli/target/xcl.jsa.stamp 2>/dev/null || stat -c %Y cli/target/xcl.jsa.stamp)
[ "$before" != "$after" ] || fail "a newer jar did not make a new archive"
classes again | grep -q 'RunAgentCommand source: shared objects file' ||
  fail "the new archive was not used"
echo "launcher: ok (the agent's own class path, and enough for one from objects; archives made, used, remade after a build, off with XCL_CDS=off)"
