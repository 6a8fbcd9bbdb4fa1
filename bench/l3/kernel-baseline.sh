#!/usr/bin/env bash
# The kernel-only baseline of shared/reference/l3-kernel.md on the plain bed of e2e/l3/bed.sh (root):
# the same kernel state as the agents make, typed as `ip` commands by a plain shell loop, and the
# reference's failover controller: one `ping -i 0.1` per gateway from its router, 3 unanswered
# pings = dead, then a forked `ip nexthop replace` of the group on the router and on each of the 3
# remote gateways; 10 answers in a row = back.
#   kernel-baseline.sh program          program every router and gateway of the bed
#   kernel-baseline.sh watch            the controller, in the foreground, until killed
#   kernel-baseline.sh restore NODE     re-program one gateway (e.g. a-g1) after its links came back
# The controller prints one line per decision:
#   BASELINE a-g1 DOWN replaced 4 groups in 41.2 ms
#   BASELINE a-g1 UP replaced 4 groups in 39.9 ms
set -euo pipefail
P=${XCL_L3_PREFIX:-xcl-l3-} # another prefix: a second bed (bed.sh)
DIR=${XCL_L3_DIR:-/run/xcl-l3}
declare -A NET=([a]=10 [b]=20) IDX=([a]=1 [b]=2) OTHER=([a]=b [b]=a)
ROUTER_GROUP=100 # on a router: group over its local gateways, nexthops 11, 12, 13
GW_GROUP=200     # on a gateway: group over the remote gateways, nexthops 21, 22, 23
GROUP_OPTS="type resilient buckets 128 idle_timer 5 unbalanced_timer 0"

# the seed of a gateway set: one per set, the same on every node choosing among it (trap 2)
seed() { [ "$1" = a ] && echo 1111 || echo 2222; }

sysctls() { # $1 ns, $2 the cluster whose gateways it chooses among
  ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.tr0.rp_filter=0 \
    net.ipv4.fib_multipath_hash_policy=3 net.ipv4.fib_multipath_hash_fields=0x0037 \
    net.ipv4.fib_multipath_hash_seed="$(seed "$2")"
}

mac() { # the agent's MAC of an overlay address 100.64.0.X: 02:58:64:40:00:xx
  printf '02:58:64:40:00:%02x' "$1"
}

members() { # $1 nexthop id prefix (1 or 2), $2 cluster of the gateways: healthy ones, a/b/c
  local out="" i
  for i in 1 2 3; do
    [ -e "$DIR/baseline/$2-g$i.down" ] && continue
    out="$out${out:+/}$1$i"
  done
  # every member down: keep all (a group must have one; the agents do the same)
  echo "${out:-${1}1/${1}2/${1}3}"
}

program_router() { # $1 cluster
  local c=$1 n=${NET[$1]} ns=${P}$1-r i
  sysctls "$ns" "$c"
  for i in 1 2 3; do ip -n "$ns" nexthop replace id "1$i" via "10.$n.0.1$i" dev tr0; done
  # shellcheck disable=SC2086
  ip -n "$ns" nexthop replace id $ROUTER_GROUP group "$(members 1 "$c")" $GROUP_OPTS
  ip -n "$ns" route replace "10.${NET[${OTHER[$c]}]}.0.0/16" nhid $ROUTER_GROUP
}

program_gateway() { # $1 cluster, $2 index
  local c=$1 i=$2 o=${OTHER[$1]} n=${NET[$1]} ns=${P}$1-g$2 j
  local self=${IDX[$c]}$i
  sysctls "$ns" "$o"
  if ! ip -n "$ns" link show vx0 >/dev/null 2>&1; then
    ip -n "$ns" link add vx0 type vxlan id 42 local "192.168.100.$self" dev ul0 dstport 4789 nolearning
    ip -n "$ns" link set vx0 address "$(mac "$self")" mtu 1500 up
    ip -n "$ns" addr add "100.64.0.$self/24" dev vx0
  fi
  for j in 1 2 3; do
    local peer=${IDX[$o]}$j
    ip netns exec "$ns" bridge fdb replace "$(mac "$peer")" dev vx0 dst "192.168.100.$peer" self permanent
    ip -n "$ns" neigh replace "100.64.0.$peer" lladdr "$(mac "$peer")" dev vx0 nud permanent
    ip -n "$ns" nexthop replace id "2$j" via "100.64.0.$peer" dev vx0
  done
  # shellcheck disable=SC2086
  ip -n "$ns" nexthop replace id $GW_GROUP group "$(members 2 "$o")" $GROUP_OPTS
  ip -n "$ns" route replace "10.${NET[$o]}.0.0/16" nhid $GW_GROUP
  ip -n "$ns" route replace "10.$n.0.0/16" via "10.$n.0.1" dev tr0
}

# the 4 replaces after a decision about cluster $1's gateways: its router and the remote gateways
replace_groups() {
  local c=$1 o=${OTHER[$1]} j
  # shellcheck disable=SC2086
  ip -n "${P}$c-r" nexthop replace id $ROUTER_GROUP group "$(members 1 "$c")" $GROUP_OPTS
  for j in 1 2 3; do
    # shellcheck disable=SC2086
    ip -n "${P}$o-g$j" nexthop replace id $GW_GROUP group "$(members 2 "$c")" $GROUP_OPTS
  done
}

now_ns() { date +%s%N; }

watch_one() { # $1 cluster, $2 index: ping the gateway's transit address from its router
  local c=$1 i=$2 n=${NET[$1]} misses=0 answers=0 line t0 t1 fd
  exec {fd}< <(exec stdbuf -oL ip netns exec "${P}$c-r" ping -n -i 0.1 -O "10.$n.0.1$i" 2>&1)
  echo "$!" >>"$DIR/baseline/pids" # the ping (stdbuf and ip exec it): stopped by id on exit
  while IFS= read -r -u "$fd" line; do
    case "$line" in
      *"bytes from"*)
        misses=0
        if [ -e "$DIR/baseline/$c-g$i.down" ]; then
          answers=$((answers + 1))
          if [ "$answers" -ge 10 ]; then
            t0=$(now_ns)
            rm -f "$DIR/baseline/$c-g$i.down"
            replace_groups "$c"
            t1=$(now_ns)
            echo "BASELINE $c-g$i UP replaced 4 groups in $(((t1 - t0) / 1000)) us"
          fi
        fi
        ;;
      *"no answer yet"*)
        answers=0
        misses=$((misses + 1))
        if [ "$misses" -eq 3 ] && [ ! -e "$DIR/baseline/$c-g$i.down" ]; then
          t0=$(now_ns)
          touch "$DIR/baseline/$c-g$i.down"
          replace_groups "$c"
          t1=$(now_ns)
          echo "BASELINE $c-g$i DOWN replaced 4 groups in $(((t1 - t0) / 1000)) us"
        fi
        ;;
    esac
  done
}

watch() {
  mkdir -p "$DIR/baseline"
  rm -f "$DIR"/baseline/*.down "$DIR/baseline/pids"
  # stop exactly what it started: the watchers and their pings, by id
  # shellcheck disable=SC2046
  trap 'kill $(jobs -p) $(cat "$DIR/baseline/pids" 2>/dev/null) 2>/dev/null || true' EXIT
  trap 'exit 0' INT TERM
  local c i
  for c in a b; do
    for i in 1 2 3; do watch_one "$c" "$i" & done
  done
  echo "BASELINE watching"
  wait
}

[ "$(id -u)" = 0 ] || { echo "kernel-baseline.sh: needs root" >&2; exit 1; }
case "${1:-}" in
  program)
    mkdir -p "$DIR/baseline"
    for c in a b; do
      program_router "$c"
      for i in 1 2 3; do program_gateway "$c" "$i"; done
    done
    ;;
  watch) watch ;;
  restore)
    [[ "${2:-}" =~ ^([ab])-g([123])$ ]] || { echo "kernel-baseline.sh: restore a-g1..b-g3 (got ${2:-nothing})" >&2; exit 2; }
    program_gateway "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    ;;
  *) echo "usage: kernel-baseline.sh program | watch | restore NODE" >&2; exit 2 ;;
esac
