#!/usr/bin/env bash
# The ./xcl launcher's class data sharing (docs/network-path.md, "cold start"): after a build it
# makes cli/target/xcl.jsa from cli/src/main/cds/xcl.classlist, later starts map the agent's
# classes from it, a rebuilt jar gets a new one, XCL_CDS=off starts without it, and none of it
# shows in a command's output.
set -euo pipefail
cd "$(dirname "$0")/.."
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() {
  echo "launcher: FAIL: $*" >&2
  exit 1
}

./xcl version >"$W/out" 2>"$W/err" || fail "./xcl version: $(cat "$W/err")"
[ -s cli/target/xcl.jsa ] || fail "no cli/target/xcl.jsa after a start (cli/target/xcl-cds.log: $(head -c 500 cli/target/xcl-cds.log))"
[ "$(wc -l <"$W/out")" = 2 ] && grep -q '^xcl ' "$W/out" || fail "./xcl version printed more than its two lines: $(cat "$W/out")"

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
echo "launcher: ok (archive made, used, remade after a build, off with XCL_CDS=off)"
