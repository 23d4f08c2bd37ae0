# Shell functions shared by the benchmark scripts in this folder. Source it after setting:
#   bench_name           the prefix of log lines;
#   repo_root            the repository's root folder;
#   server_wait_seconds  how long a server may take to answer its first request.
# and, before calling the server functions, $work (the script's temporary folder). Servers are tracked by name in the
# associative array pids; each one's output goes to $work/<name>.log.
# shellcheck shell=bash
# shellcheck disable=SC2154 # bench_name, repo_root, server_wait_seconds and work are set by the sourcing script

declare -A pids=()

log() { echo "$bench_name: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Setup

# Installs the given Debian packages with apt-get; needs root. Debian's packages may start their daemons on the
# default ports; the benchmarks start their own instances.
install_packages() {
  [ $# -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "missing $*; install them (apt-get install $*) or run as root"
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Builds the node in Release and sets $spegel_dll.
build_spegel() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required to build spegel"
  log "building spegel (Release)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  timeout 1800 dotnet build "$repo_root/Spegel.Silo" -c Release -v q -nologo >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "build failed"; }
  spegel_dll=$repo_root/Spegel.Silo/bin/Release/net10.0/spegel.dll
  [ -f "$spegel_dll" ] || die "build produced no $spegel_dll"
}

# Sets $port to a free port in 15000-15999. Ports that other processes on the machine hold (something accepts a
# connection) are skipped, and so are ports already picked here. Not a subshell function: it records what it picked.
picked_ports=" "
pick_port() {
  for _ in $(seq 1 200); do
    port=$((15000 + RANDOM % 1000))
    [[ $picked_ports == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      picked_ports+="$port "
      return
    fi
  done
  die "no free port found in 15000-15999"
}

# ---------------------------------------------------------------------------------------------------------------
# Servers

# Polls URL until it answers 200, at most server_wait_seconds; fails early when the server process has exited.
wait_until_ready() {
  local name=$1 url=$2
  for _ in $(seq 1 $((server_wait_seconds * 2))); do
    is_running "${pids[$name]}" || { tail -n 30 "$work/$name.log" >&2; die "$name exited while starting"; }
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then
      return
    fi
    sleep 0.5
  done
  tail -n 30 "$work/$name.log" >&2
  die "$name did not answer $url within ${server_wait_seconds}s"
}

# Starts a spegel node named $1 with the remaining arguments added to `spegel run`, on four free loopback ports,
# and sets pids[$1], $spegel_registry_url and $spegel_ops_url. Does not wait for it.
launch_spegel() {
  local name=$1 registry_port ops_port silo_port gateway_port
  shift
  pick_port; registry_port=$port
  pick_port; ops_port=$port
  pick_port; silo_port=$port
  pick_port; gateway_port=$port
  # Warning level: the endpoint logs each request at Debug, so nothing per request is written.
  dotnet "$spegel_dll" run "$@" --registry-address "127.0.0.1:$registry_port" \
    --ops-address "127.0.0.1:$ops_port" --silo-port "$silo_port" --gateway-port "$gateway_port" --log-level warning >"$work/$name.log" 2>&1 &
  pids[$name]=$!
  # shellcheck disable=SC2034 # read by the sourcing script
  spegel_registry_url=http://127.0.0.1:$registry_port
  # shellcheck disable=SC2034 # read by the sourcing script
  spegel_ops_url=http://127.0.0.1:$ops_port
}

# Starts nginx named $1 listening on 127.0.0.1:$2, with $3 added to its server block (root, locations), and sets
# pids[$1]. Its prefix folder is $work/$1. Does not wait for it.
launch_nginx() {
  local name=$1 listen_port=$2 server_directives=$3 prefix=$work/$1
  mkdir -p "$prefix/tmp"
  # worker_processes auto (one per core) so nginx may use both cores, as spegel's thread pool and Go's scheduler do.
  # keepalive_requests is raised because the default (1000) makes nginx close a benchmark client's keep-alive
  # connections every 1000 requests, a cost the other servers do not have.
  cat >"$prefix/nginx.conf" <<EOF
worker_processes auto;
pid $prefix/nginx.pid;
error_log $work/$name.log error;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  types { }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$listen_port;
$server_directives
  }
}
EOF
  # daemon off keeps the master in the foreground so its PID is the one to stop; -e avoids the default log path.
  # shellcheck disable=SC2094 # nginx only appends to its log, as does the redirection
  nginx -p "$prefix" -e "$work/$name.log" -c "$prefix/nginx.conf" -g 'daemon off;' >>"$work/$name.log" 2>&1 &
  pids[$name]=$!
}

# True while the process runs. kill -0 would also succeed for a child that has exited but is not yet reaped.
is_running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Stops the given PIDs: SIGTERM, up to 10 s to exit, then SIGKILL; then reaps them.
stop_pids() {
  local pid
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "$@"; do
    for _ in $(seq 1 20); do
      is_running "$pid" || break
      sleep 0.5
    done
    is_running "$pid" && kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
}

# Prints the CPU time (clock ticks, user + system) the given processes have used so far.
cpu_ticks() {
  local pid total=0 ticks
  for pid in "$@"; do
    # Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 12th and 13th.
    ticks=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || ticks=0
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

# Stops every server in pids.
stop_servers() {
  [ ${#pids[@]} -eq 0 ] && return
  stop_pids "${pids[@]}"
}

# ---------------------------------------------------------------------------------------------------------------
# Numbers

# Prints the median of its numeric arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mbps() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
rps() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# A containerd of our own, every path under $work/ctd (sets ctd, socket, content_root, containerd_version). A Unix
# socket path must stay under about 107 bytes, which is why $work is a short folder in /tmp. The CRI plugin is off;
# the default snapshotter (overlayfs) unpacks pulled layers. Needs the pids array and server_wait_seconds.
start_containerd() {
  ctd=$work/ctd
  socket=$ctd/c.sock
  # shellcheck disable=SC2034 # read by containerd-serving.sh
  content_root=$ctd/root/io.containerd.content.v1.content
  mkdir -p "$ctd"
  cat >"$ctd/config.toml" <<EOF
version = 2
root = "$ctd/root"
state = "$ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$socket"

[ttrpc]
  address = "$socket.ttrpc"

[debug]
  address = "$ctd/debug.sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "$ctd/opt"
EOF
  containerd --config "$ctd/config.toml" >"$work/containerd.log" 2>&1 &
  pids[containerd]=$!
  for _ in $(seq 1 $((server_wait_seconds * 2))); do
    is_running "${pids[containerd]}" || { tail -n 30 "$work/containerd.log" >&2; die "containerd exited while starting"; }
    if timeout 5 ctr -a "$socket" version >/dev/null 2>&1; then
      containerd_version=$(timeout 5 ctr -a "$socket" version | awk '/^Server:/ { server = 1 } server && /Version:/ && !found { print $2; found = 1 }')
      log "containerd $containerd_version is up"
      return
    fi
    sleep 0.5
  done
  tail -n 30 "$work/containerd.log" >&2
  die "containerd did not answer on $socket within ${server_wait_seconds}s"
}
