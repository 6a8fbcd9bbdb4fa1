# Process and port helpers shared by bench/run.sh and bench/soak.sh (sourced). The caller keeps
# every process it starts in the array PIDS.

# True while process $1 exists and is not a zombie.
alive() {
  local st
  st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

# Stops the given processes (all started by this script): SIGTERM, up to 10 s, then SIGKILL.
stop_pids() {
  local p keep=() _
  [ $# -gt 0 ] || return 0
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local any=0
    for p in "$@"; do if alive "$p"; then any=1; fi; done
    [ $any = 0 ] && break
    sleep 0.2
  done
  for p in "$@"; do
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  for p in ${PIDS[@]+"${PIDS[@]}"}; do
    case " $* " in *" $p "*) ;; *) keep+=("$p") ;; esac
  done
  PIDS=(${keep[@]+"${keep[@]}"})
}

# bounded poll: up to $1 tries, $2 seconds apart, of the command that follows
retry() {
  local n=$1 gap=$2 _
  shift 2
  for _ in $(seq "$n"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep "$gap"
  done
  return 1
}

port_open() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$1"; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# sums "used NK" of the heap lines of GC.heap_info (not Metaspace / class space)
heap_used_kb() {
  timeout 60 jcmd "$1" GC.heap_info 2>&1 | awk '!/Metaspace|class space/ && match($0, /used [0-9]+K/) {s += substr($0, RSTART + 5, RLENGTH - 6)} END {if (s > 0) print s; else exit 1}'
}
