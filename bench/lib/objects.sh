# Objects of the two sides of a benchmark gateway pair, as YAML for `xcl apply -f` (sourced by
# bench/run.sh and bench/ab.sh). Both sides allow everything: the benchmarks measure the data path.

bench_peer_yaml() { # NAME PORT
  printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Peer\nmetadata: {name: %s}\nspec: {gateways: [{host: 127.0.0.1, port: %s}]}\n---\n' "$1" "$2"
}

bench_allow_all_yaml() {
  printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: allow-all}\n'
  printf 'spec: {action: allow, from: [{workloadSelector: {}}], to: [{workloadSelector: {}}]}\n'
}

# The exporting side: Peer PEER at PEER_PORT, one Export per NAME=BACKEND_PORT on 127.0.0.1.
bench_export_side_yaml() { # PEER PEER_PORT NAME=BACKEND_PORT...
  local e
  bench_peer_yaml "$1" "$2"
  shift 2
  for e in "$@"; do
    printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Export\nmetadata: {name: %s}\nspec: {host: 127.0.0.1, port: %s}\n---\n' "${e%%=*}" "${e#*=}"
  done
  bench_allow_all_yaml
}

# The importing side: Peer PEER at PEER_PORT, one Import per NAME=SERVICE_PORT:TARGET_PORT, each
# from the export of the same name on PEER.
bench_import_side_yaml() { # PEER PEER_PORT NAME=SERVICE_PORT:TARGET_PORT...
  local peer=$1 i name ports
  bench_peer_yaml "$1" "$2"
  shift 2
  for i in "$@"; do
    name=${i%%=*} ports=${i#*=}
    printf 'apiVersion: xclusterlink.io/v1alpha1\nkind: Import\nmetadata: {name: %s}\n' "$name"
    printf 'spec: {port: %s, targetPort: %s, sources: [{peer: %s, exportName: %s, exportNamespace: default}]}\n---\n' \
      "${ports%%:*}" "${ports#*:}" "$peer" "$name"
  done
  bench_allow_all_yaml
}
