#!/usr/bin/env bash
# Time from an Import created in the (mock) API server to its Service and listener being ready,
# median over 25 tries (kube/src/test/java/io/xclusterlink/kube/ImportReadyFigureIT.java).
# Prints the FIGURE line. Run from the repository root: bench/kube-import-ready.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp verify -pl kube -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ImportReadyFigureIT -Dfailsafe.failIfNoSpecifiedTests=false 2>&1 | grep 'FIGURE' \
  || { echo "kube-import-ready: no FIGURE line (the test failed?)" >&2; exit 1; }
