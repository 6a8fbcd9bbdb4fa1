#!/usr/bin/env bash
# The whole test suite: installs what it needs from Debian, then unit tests, integration tests
# (real gateways on 127.0.0.1) and the end-to-end README flow with real curl and python3 http.server.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
nc -h 2>&1 | grep -q -- ' -N ' || need+=(netcat-openbsd)
command -v ip >/dev/null || need+=(iproute2)            # the L3 agent's ITs (network namespaces)
command -v setpriv >/dev/null || need+=(util-linux)     # tests that drop privileges
command -v nft >/dev/null || need+=(nftables)           # the L3 path's stateless NAT (overlapping CIDRs)
command -v ping >/dev/null || need+=(iputils-ping)      # the L3 path's ICMP checks
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== install manifests: kubectl kustomize deploy/ and deploy/broker/, rendered objects checked"
bash deploy/check.sh

echo "== unit and integration tests (mvn verify)"
mvn -B -ntp verify

echo "== the ./xcl launcher: class data sharing archive made, used, remade after a build"
bash e2e/launcher.sh

echo "== end-to-end: the README flow with ./xcl, curl and python3 http.server"
bash e2e/readme-flow.sh
