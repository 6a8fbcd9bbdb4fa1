#!/usr/bin/env bash
# The two-cluster L3 test bed of shared/reference/l3-kernel.md, in network namespaces (root only).
#   bed.sh up [--overlap]   build it (tears down a previous bed first)
#   bed.sh down             remove every xcl-l3-* namespace and the description (idempotent)
# Per cluster X in {a, b}: a VPC router xcl-l3-X-r, gateways xcl-l3-X-g1..3, workloads
# xcl-l3-X-w1..2. The router and its gateways share the VPC's transit bridge, so a gateway crash
# gives the router no link event; the 6 gateways share the underlay bridge. All bridges live in
# xcl-l3-hub and have fixed MACs (trap 7). The bed builds infrastructure only: namespaces, veths,
# bridges, addresses, the workloads' default routes. The agents create everything else (VXLAN,
# FDB, neighbours, nexthops, groups, routes, sysctls, NAT).
# Writes $XCL_L3_DIR (default /run/xcl-l3): bed.json (what was built) and one agent config per
# router and gateway (agent-<node>.json), for `xcl agent run --config` or the ITs.
set -euo pipefail
P=${XCL_L3_PREFIX:-xcl-l3-}  # another prefix builds a second, independent bed
DIR=${XCL_L3_DIR:-/run/xcl-l3}
HUB=${P}hub
VNI=42
PROBE_PORT=4799

down() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^${P}" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

# per cluster (computed once: a subshell costs ~10 ms on a loaded host): NET the VPC's second
# octet (plain: A 10.10/16, B 10.20/16; overlap: both 10.10/16), IDX 1 or 2, OTHER the other
# cluster, LOCAL its workloads' prefix in the tunnel, SEEN the prefix the other side addresses it by
declare -A NET IDX OTHER LOCAL SEEN
addresses() {
  local c
  NET=([a]=10 [b]=20) IDX=([a]=1 [b]=2) OTHER=([a]=b [b]=a)
  [ "$MODE" = overlap ] && NET[b]=10
  for c in a b; do
    if [ "$MODE" = overlap ]; then
      LOCAL[$c]="10.${NET[$c]}.1.0/24" SEEN[$c]="242.0.${IDX[$c]}.0/24"
    else
      LOCAL[$c]="10.${NET[$c]}.0.0/16" SEEN[$c]="10.${NET[$c]}.0.0/16"
    fi
  done
}

up() {
  down
  addresses
  mkdir -p "$DIR"
  local c i
  {
    echo "netns add $HUB"
    for c in a b; do
      echo "netns add ${P}$c-r"
      for i in 1 2 3; do echo "netns add ${P}$c-g$i"; done
      for i in 1 2; do echo "netns add ${P}$c-w$i"; done
    done
  } | ip -batch -
  # links: veth pairs from each node into the hub
  {
    for c in a b; do
      echo "link add tr0 netns ${P}$c-r type veth peer name $c-r-tr netns $HUB"
      echo "link add wl0 netns ${P}$c-r type veth peer name $c-r-wl netns $HUB"
      for i in 1 2 3; do
        echo "link add tr0 netns ${P}$c-g$i type veth peer name $c-g$i-tr netns $HUB"
        echo "link add ul0 mtu 1550 netns ${P}$c-g$i type veth peer name $c-g$i-ul mtu 1550 netns $HUB"
      done
      for i in 1 2; do
        echo "link add eth0 netns ${P}$c-w$i type veth peer name $c-w$i netns $HUB"
      done
    done
  } | ip -batch -
  # hub: bridges with fixed MACs (trap 7), every port up
  {
    echo "link set lo up"
    echo "link add br-ul address 02:58:ff:00:00:01 mtu 1550 type bridge"
    for c in a b; do
      echo "link add br-$c-vpc address 02:58:ff:00:0${IDX[$c]}:02 type bridge"
      echo "link add br-$c-wl address 02:58:ff:00:0${IDX[$c]}:03 type bridge"
      echo "link set $c-r-tr master br-$c-vpc up"
      echo "link set $c-r-wl master br-$c-wl up"
      for i in 1 2 3; do
        echo "link set $c-g$i-tr master br-$c-vpc up"
        echo "link set $c-g$i-ul master br-ul up"
      done
      for i in 1 2; do echo "link set $c-w$i master br-$c-wl up"; done
      echo "link set br-$c-vpc up"
      echo "link set br-$c-wl up"
    done
    echo "link set br-ul up"
  } | ip -n "$HUB" -batch -
  for c in a b; do
    local n=${NET[$c]}
    ip -n "${P}$c-r" -batch - <<B
link set lo up
addr add 10.$n.0.1/24 dev tr0
addr add 10.$n.1.1/24 dev wl0
link set tr0 up
link set wl0 up
B
    for i in 1 2 3; do
      ip -n "${P}$c-g$i" -batch - <<B
link set lo up
addr add 10.$n.0.1$i/24 dev tr0
addr add 192.168.100.${IDX[$c]}$i/24 dev ul0
link set tr0 up
link set ul0 up
B
    done
    for i in 1 2; do
      ip -n "${P}$c-w$i" -batch - <<B
link set lo up
addr add 10.$n.1.1$i/24 dev eth0
link set eth0 up
route add default via 10.$n.1.1
B
    done
  done
  for c in a b; do
    config "$c" router > "$DIR/agent-$c-r.json"
    for i in 1 2 3; do config "$c" "$c-g$i" > "$DIR/agent-$c-g$i.json"; done
  done
  describe > "$DIR/bed.json"
}

gateways_json() { # $1 cluster, $2 local|remote
  local c=$1 i sep=""
  for i in 1 2 3; do
    if [ "$2" = local ]; then
      printf '%s\n      {"name": "%s", "transit": "10.%s.0.1%s", "underlay": "192.168.100.%s%s", "overlay": "100.64.0.%s%s"}' \
        "$sep" "$c-g$i" "${NET[$c]}" "$i" "${IDX[$c]}" "$i" "${IDX[$c]}" "$i"
    else
      printf '%s\n      {"name": "%s", "underlay": "192.168.100.%s%s", "overlay": "100.64.0.%s%s"}' \
        "$sep" "$c-g$i" "${IDX[$c]}" "$i" "${IDX[$c]}" "$i"
    fi
    sep=","
  done
}

config() { # $1 cluster, $2 router | gateway name
  local c=$1 o=${OTHER[$1]}
  local role='"role": "router"'
  [ "$2" != router ] && role="\"role\": \"gateway\", \"name\": \"$2\""
  local overlap=""
  if [ "$MODE" = overlap ]; then
    overlap=",
    \"overlap\": {\"globalSpace\": \"242.0.0.0/16\", \"translations\": [{\"local\": \"${LOCAL[$c]}\", \"global\": \"${SEEN[$c]}\"}]}"
  fi
  cat <<J
{
  $role,
  "probe": {"port": $PROBE_PORT, "intervalMillis": 50, "misses": 3, "holdMillis": 1000},
  "tunnel": {
    "vni": $VNI, "vxlanPort": 4789, "underlayDevice": "ul0", "overlayNetwork": "100.64.0.0/24", "mtu": 1500,
    "transitDevice": "tr0", "routerTransit": "10.${NET[$c]}.0.1",
    "localPrefixes": ["${LOCAL[$c]}"],
    "remotePrefixes": ["${SEEN[$o]}"],
    "localGateways": [$(gateways_json "$c" local)
    ],
    "remoteGateways": [$(gateways_json "$o" remote)
    ]$overlap
  }
}
J
}

describe() {
  local c i sep="" gsep wsep
  printf '{\n  "mode": "%s", "dir": "%s", "hub": "%s", "vni": %s, "probePort": %s,\n  "clusters": [' \
    "$MODE" "$DIR" "$HUB" "$VNI" "$PROBE_PORT"
  for c in a b; do
    local n=${NET[$c]}
    printf '%s\n    {"name": "%s", "localPrefix": "%s", "seenAs": "%s",\n' "$sep" "$c" "${LOCAL[$c]}" "${SEEN[$c]}"
    printf '     "router": {"ns": "%s", "transit": "10.%s.0.1", "workloadSide": "10.%s.1.1", "config": "%s"},\n' \
      "${P}$c-r" "$n" "$n" "$DIR/agent-$c-r.json"
    printf '     "gateways": ['
    gsep=""
    for i in 1 2 3; do
      printf '%s\n       {"name": "%s", "ns": "%s", "transit": "10.%s.0.1%s", "underlay": "192.168.100.%s%s", "overlay": "100.64.0.%s%s", "config": "%s"}' \
        "$gsep" "$c-g$i" "${P}$c-g$i" "$n" "$i" "${IDX[$c]}" "$i" "${IDX[$c]}" "$i" "$DIR/agent-$c-g$i.json"
      gsep=","
    done
    printf '],\n     "workloads": ['
    wsep=""
    for i in 1 2; do
      local addr="10.$n.1.1$i" global="10.$n.1.1$i"
      [ "$MODE" = overlap ] && global="242.0.${IDX[$c]}.1$i"
      printf '%s\n       {"name": "%s", "ns": "%s", "address": "%s", "seenAs": "%s"}' \
        "$wsep" "$c-w$i" "${P}$c-w$i" "$addr" "$global"
      wsep=","
    done
    printf ']}'
    sep=","
  done
  printf '\n  ]\n}\n'
}

[ "$(id -u)" = 0 ] || { echo "bed.sh: needs root (creates network namespaces)" >&2; exit 1; }
case "${1:-}" in
  up)
    MODE=plain
    case "${2:-}" in
      "") ;;
      --overlap) MODE=overlap ;;
      *) echo "bed.sh: unknown option ${2} (expected: --overlap)" >&2; exit 2 ;;
    esac
    up
    echo "bed.sh: $MODE bed up; description in $DIR/bed.json"
    ;;
  down) down ;;
  *) echo "usage: bed.sh up [--overlap] | down" >&2; exit 2 ;;
esac
