#!/usr/bin/env bash
# Measures the peer path: a node that does not hold a blob streams it from the node that does. Two spegel nodes
# cluster through Redis on one machine, over loopback; node A serves an OCI image layout, node B an empty one.
#   1. A 1 GiB random layer downloaded with curl through node B (B -> A), directly from node A, and from nginx
#      serving the same file (MB/s, median of several interleaved rounds, page cache warm).
#   2. Time to first byte of a 4 KiB blob that only A holds, fetched through B (holder lookup in the cluster plus
#      the request to A), and of an unknown digest (404 from B): many sequential requests, p50 and p99.
#   3. `ctr images pull` of a 1 GiB image of four uncompressed 256 MiB layers into a private containerd, once
#      through node B only (the upstream server in hosts.toml is a closed port) and once directly from a Distribution
#      registry (docker-registry) holding the same image; every pull starts from an empty content store.
# The script ends with a Markdown block for BENCHMARKS.md.
#
# Usage: bench/peer-mirroring.sh (as root: it runs containerd and unpacks with the overlayfs snapshotter)
# Tunables (environment): BLOB_MIB (1024), SMALL_KIB (4), ROUNDS (5 curl rounds, at least 3), TTFB_REQUESTS (500
# per series), PULL_LAYERS (4), LAYER_MIB (256), PULL_ROUNDS (3 pulls each way, at least 2), SERVER_WAIT_SECONDS (60),
# ADVERTISE_WAIT_SECONDS (120), KEEP_TMP=1 keeps the temporary folder for inspection.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
blob_mib=${BLOB_MIB:-1024}
small_kib=${SMALL_KIB:-4}
rounds=${ROUNDS:-5}
ttfb_requests=${TTFB_REQUESTS:-500}
pull_layers=${PULL_LAYERS:-4}
layer_mib=${LAYER_MIB:-256}
pull_rounds=${PULL_ROUNDS:-3}
server_wait_seconds=${SERVER_WAIT_SECONDS:-60}
advertise_wait_seconds=${ADVERTISE_WAIT_SECONDS:-120}

# Two images in node A's layout, named the way containerd asks a mirror for them (every request carries ?ns=).
repository=library/peerbench
blob_tag=blob
pull_tag=pull
pull_ref=docker.io/$repository:$pull_tag
ns_query="?ns=docker.io"
namespace=peerbench
manifest_type=application/vnd.oci.image.manifest.v1+json
config_type=application/vnd.oci.image.config.v1+json
# Uncompressed, so a layer's diff id is its digest and neither unpack nor the registry push recompresses anything.
layer_type=application/vnd.oci.image.layer.v1.tar

# Blob download sources: through B from A, from A itself, and nginx with the same file.
sources=(peer direct nginx)
declare -A source_url=() samples=() median_speed=() cpu_a=() cpu_b=()
declare -A label=(
  [peer]="spegel B -> A (peer)"
  [direct]="spegel A (direct)"
  [nginx]="nginx (same file)"
)
# Time-to-first-byte series: kind (peer blob, miss) and connection (new per request, reused).
ttfb_series=(peer-new miss-new peer-reused miss-reused)
declare -A ttfb_samples=() ttfb_p50=() ttfb_p99=()
declare -A pull_samples=() pull_median=() pull_cpu=()
pull_kinds=(mirror direct)

bench_name=peer-mirroring
# shellcheck source=bench/lib.sh
. "$repo_root/bench/lib.sh"

# ---------------------------------------------------------------------------------------------------------------
# Setup

install_missing_packages() {
  local packages=()
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v containerd >/dev/null && command -v ctr >/dev/null || packages+=(containerd)
  command -v nginx >/dev/null || packages+=(nginx-light)
  command -v docker-registry >/dev/null || packages+=(docker-registry)
  command -v skopeo >/dev/null || packages+=(skopeo)
  command -v curl >/dev/null || packages+=(curl)
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required to build spegel"
  install_packages "${packages[@]}"
}

# The big layer, the pull image, the registry's copy and what containerd stores and unpacks during one pull.
check_disk_space() {
  local need_mib=$((blob_mib + 4 * pull_layers * layer_mib + 1024)) free_mib
  free_mib=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
  [ "$free_mib" -ge "$need_mib" ] || die "about $need_mib MiB are needed in $work, $free_mib MiB are free"
}

# Writes $2 into layout $1 as blobs/sha256/<hex> and prints its digest.
add_blob() {
  local layout=$1 file=$2 hex
  hex=$(sha256sum "$file" | cut -d' ' -f1)
  mv "$file" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex"
}

blob_size() { stat -c %s "$oci_a/blobs/sha256/${1#sha256:}"; }
blob_file() { echo "$oci_a/blobs/sha256/${1#sha256:}"; }

# Prints an image manifest's JSON: config digest, then the layer digests, all in layout A.
manifest_json() {
  local config=$1 layers="" digest
  shift
  for digest in "$@"; do
    layers+="${layers:+,}{\"mediaType\":\"$layer_type\",\"digest\":\"$digest\",\"size\":$(blob_size "$digest")}"
  done
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},"layers":[%s]}' \
    "$manifest_type" "$config_type" "$config" "$(blob_size "$config")" "$layers"
}

# Prints an image config's JSON whose diff ids are the given (uncompressed) layer digests.
config_json() {
  local diff_ids="" digest
  for digest in "$@"; do diff_ids+="${diff_ids:+,}\"$digest\""; done
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diff_ids"
}

# Stores config and manifest of an image with the given layers in layout A; sets $config_digest and
# $manifest_digest.
add_image() {
  config_json "$@" >"$work/config.json"
  config_digest=$(add_blob "$oci_a" "$work/config.json")
  manifest_json "$config_digest" "$@" >"$work/manifest.json"
  manifest_digest=$(add_blob "$oci_a" "$work/manifest.json")
  image_digests+=("$config_digest" "$manifest_digest")
}

# index.json entry naming a manifest for containerd (full reference) and for skopeo's oci: transport (bare tag).
index_entry() {
  printf '{"mediaType":"%s","digest":"%s","size":%d,"annotations":{"io.containerd.image.name":"docker.io/%s:%s","org.opencontainers.image.ref.name":"%s"}}' \
    "$manifest_type" "$1" "$(blob_size "$1")" "$repository" "$2" "$2"
}

# Node A's layout: image "blob" (the random 1 GiB layer and the small blob, both raw bytes that nothing unpacks)
# and image "pull" (layers that are tars of one random file each, so containerd can unpack them). Node B's layout
# is empty.
create_layouts() {
  local i layer_files layer
  oci_a=$work/oci-a
  oci_b=$work/oci-b
  image_digests=()
  for layout in "$oci_a" "$oci_b"; do
    mkdir -p "$layout/blobs/sha256"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  done
  echo '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}' >"$oci_b/index.json"

  log "creating a ${blob_mib} MiB random layer and a ${small_kib} KiB blob"
  head -c $((blob_mib * 1048576)) /dev/urandom >"$work/big"
  big_digest=$(add_blob "$oci_a" "$work/big")
  head -c $((small_kib * 1024)) /dev/urandom >"$work/small"
  small_digest=$(add_blob "$oci_a" "$work/small")
  add_image "$big_digest" "$small_digest"
  blob_manifest_digest=$manifest_digest

  log "creating the pull image: $pull_layers layers of $layer_mib MiB (uncompressed tars of random files)"
  pull_layer_digests=()
  layer_files=$work/layer-files
  for i in $(seq 1 "$pull_layers"); do
    mkdir -p "$layer_files"
    head -c $((layer_mib * 1048576)) /dev/urandom >"$layer_files/random-$i"
    tar -C "$layer_files" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer" "random-$i"
    rm -rf "$layer_files"
    layer=$(add_blob "$oci_a" "$work/layer")
    pull_layer_digests+=("$layer")
  done
  add_image "${pull_layer_digests[@]}"
  pull_manifest_digest=$manifest_digest
  pull_config_digest=$config_digest
  pull_bytes=$(($(blob_size "$pull_manifest_digest") + $(blob_size "$pull_config_digest")))
  for layer in "${pull_layer_digests[@]}"; do pull_bytes=$((pull_bytes + $(blob_size "$layer"))); done

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
    "$(index_entry "$blob_manifest_digest" "$blob_tag")" "$(index_entry "$pull_manifest_digest" "$pull_tag")" >"$oci_a/index.json"
  miss_digest=sha256:$(printf 'absent from every node %s %s' "$$" "$RANDOM" | sha256sum | cut -d' ' -f1)
}

# ---------------------------------------------------------------------------------------------------------------
# Servers

start_redis() {
  pick_port
  redis_port=$port
  mkdir -p "$work/redis"
  # No persistence: membership lives only for this run.
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --save '' --appendonly no \
    --daemonize no --protected-mode yes >"$work/redis.log" 2>&1 &
  pids[redis]=$!
  for _ in $(seq 1 $((server_wait_seconds * 2))); do
    is_running "${pids[redis]}" || { tail -n 30 "$work/redis.log" >&2; die "redis exited while starting"; }
    [ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && return
    sleep 0.5
  done
  die "redis did not answer on port $redis_port within ${server_wait_seconds}s"
}

# Starts node $1 on layout $2 in the Redis cluster of this run; sets ${node_url[$1]} and ${ops_url[$1]}.
declare -A node_url=() ops_url=()
start_node() {
  local name=$1 layout=$2
  launch_spegel "$name" --store "oci:$layout" --clustering redis --redis "127.0.0.1:$redis_port" \
    --cluster-id "$cluster_id" --node-name "$name" --advertise-address 127.0.0.1
  node_url[$name]=$spegel_registry_url
  ops_url[$name]=$spegel_ops_url
}

start_nodes() {
  cluster_id=peerbench-$$
  start_node node-a "$oci_a"
  start_node node-b "$oci_b"
  wait_until_ready node-a "${node_url[node-a]}/v2/$repository/manifests/$blob_tag$ns_query"
  wait_until_ready node-b "${ops_url[node-b]}/readyz"
}

# Nothing is timed before node B can see that node A holds every digest and the pull image's tag.
wait_for_advertisements() {
  local deadline digest pending
  log "waiting until node B sees node A's advertisements"
  deadline=$((SECONDS + advertise_wait_seconds))
  for _ in $(seq 1 $((advertise_wait_seconds * 2))); do
    pending=0
    for digest in "$big_digest" "$small_digest" "${image_digests[@]}" "${pull_layer_digests[@]}"; do
      [[ $(curl -sf --max-time 5 "${ops_url[node-b]}/debug/holders/$digest" || true) == *'"node":"node-a"'* ]] || { pending=1; break; }
    done
    if [ "$pending" = 0 ] && [[ $(curl -sf --max-time 5 "${ops_url[node-b]}/debug/tags/$pull_ref" || true) == *'"node-a"'* ]]; then
      log "node B sees node A as holder of every digest and of $pull_ref"
      return
    fi
    [ "$SECONDS" -ge "$deadline" ] && break
    is_running "${pids[node-b]}" || die "node-b exited"
    sleep 0.5
  done
  curl -s --max-time 5 "${ops_url[node-b]}/debug/cluster" >&2 || true
  die "node B did not see node A's advertisements within ${advertise_wait_seconds}s"
}

start_nginx() {
  local root=$work/nginx/root/v2/$repository/blobs
  mkdir -p "$root"
  # A hard link keeps one copy of the layer on disk and in the page cache; a copy is the fallback.
  ln "$(blob_file "$big_digest")" "$root/$big_digest" 2>/dev/null || cp "$(blob_file "$big_digest")" "$root/$big_digest"
  pick_port
  launch_nginx nginx "$port" "    root $work/nginx/root;
    location = /ready { return 200; }"
  nginx_url=http://127.0.0.1:$port
  wait_until_ready nginx "$nginx_url/ready"
}

# docker-registry with filesystem storage and the in-memory blob descriptor cache (Debian's default), filled by
# skopeo from layout A with the digests preserved.
start_registry() {
  local got
  pick_port
  registry_port=$port
  cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$registry_port
EOF
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  pids[registry]=$!
  wait_until_ready registry "http://127.0.0.1:$registry_port/v2/"

  log "pushing $pull_ref's image to docker-registry with skopeo"
  timeout 900 skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false \
    "oci:$oci_a:$pull_tag" "docker://127.0.0.1:$registry_port/$repository:$pull_tag" >"$work/skopeo.log" 2>&1 \
    || { tail -n 30 "$work/skopeo.log" >&2; die "skopeo copy failed"; }
  got=$(curl -sf --max-time 10 -H "Accept: $manifest_type" "http://127.0.0.1:$registry_port/v2/$repository/manifests/$pull_tag" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$pull_manifest_digest" ] || die "docker-registry holds manifest sha256:$got, expected $pull_manifest_digest"
}

# Two hosts folders for ctr --hosts-dir, alike but for the one host they list; in both the upstream server is a
# closed loopback port, so a pull can only succeed through that host. Mirror: written by `spegel configure` over a
# hosts.toml holding only that server (kept by --prepend-existing), listing node B. Direct: the registry. (containerd
# 1.6 rejects a hosts.toml with a server and no host table: "invalid `host` tree".)
write_hosts_dirs() {
  hosts_mirror=$work/hosts-mirror
  hosts_direct=$work/hosts-direct
  mkdir -p "$hosts_mirror/docker.io" "$hosts_direct/docker.io"
  echo 'server = "http://127.0.0.1:1"' >"$hosts_mirror/docker.io/hosts.toml"
  timeout 60 dotnet "$spegel_dll" configure --config-path "$hosts_mirror" --mirror-targets "${node_url[node-b]}" \
    --mirrored-registries docker.io --prepend-existing >"$work/configure.log" 2>&1 \
    || { cat "$work/configure.log" >&2; die "spegel configure failed"; }
  if ! grep -q '^server = "http://127.0.0.1:1"' "$hosts_mirror/docker.io/hosts.toml" \
    || ! grep -qF "[host.\"${node_url[node-b]}\"]" "$hosts_mirror/docker.io/hosts.toml"; then
    cat "$hosts_mirror/docker.io/hosts.toml" >&2
    die "the mirror hosts.toml does not list node B with a closed server"
  fi
  cat >"$hosts_direct/docker.io/hosts.toml" <<EOF
server = "http://127.0.0.1:1"

[host."http://127.0.0.1:$registry_port"]
  capabilities = ["pull", "resolve"]
EOF
  log "mirror hosts.toml:"; sed 's/^/    /' "$hosts_mirror/docker.io/hosts.toml" >&2
  log "direct hosts.toml:"; sed 's/^/    /' "$hosts_direct/docker.io/hosts.toml" >&2
}

cleanup() {
  local mount_point
  [ -n "${pull_pid:-}" ] && stop_pids "$pull_pid"
  stop_servers
  if [ -n "${work:-}" ]; then
    # Mounts a stopped containerd may leave behind (unpack mounts layers briefly); deepest first.
    awk -v prefix="$work/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount_point; do
      umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null || log "could not unmount $mount_point"
    done
    if [ "${KEEP_TMP:-0}" = 1 ]; then
      log "kept $work"
    else
      rm -rf "$work"
    fi
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# 1. Blob throughput

blob_url() { echo "$1/v2/$repository/blobs/$2$ns_query"; }

# A fast wrong answer would be meaningless: every source must return the exact bytes before it is timed. The check
# is also each source's warm-up download.
verify_blob() {
  local name=$1 url=$2 digest=$3 got
  got=$(curl -sf --max-time 600 "$url" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$digest" ] || die "$name returned sha256:$got for $digest"
  log "$name returns the right bytes for ${digest:0:19}…"
}

verify_sources() {
  source_url[peer]=$(blob_url "${node_url[node-b]}" "$big_digest")
  source_url[direct]=$(blob_url "${node_url[node-a]}" "$big_digest")
  source_url[nginx]=$nginx_url/v2/$repository/blobs/$big_digest
  for name in "${sources[@]}"; do verify_blob "$name" "${source_url[$name]}" "$big_digest"; done
  verify_blob "peer small blob" "$(blob_url "${node_url[node-b]}" "$small_digest")" "$small_digest"
  [ "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$(blob_url "${node_url[node-b]}" "$miss_digest")")" = 404 ] \
    || die "node B does not answer an unknown digest with 404"
}

ticks_to_seconds() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'; }

# Downloads the layer once from $1; records MB/s and the CPU seconds nodes A and B spent on it.
timed_download() {
  local name=$1 before_a before_b speed
  before_a=$(cpu_ticks "${pids[node-a]}")
  before_b=$(cpu_ticks "${pids[node-b]}")
  speed=$(curl -sf --max-time 600 -o /dev/null -w '%{speed_download}' "${source_url[$name]}")
  samples[$name]+="$speed "
  cpu_a[$name]+="$(ticks_to_seconds $(($(cpu_ticks "${pids[node-a]}") - before_a))) "
  cpu_b[$name]+="$(ticks_to_seconds $(($(cpu_ticks "${pids[node-b]}") - before_b))) "
  log "round $round: ${label[$name]} $(mbps "$speed") MB/s"
}

# Each round visits every source once, starting with a different one, so that a burst of load from other
# processes is spread across sources instead of hitting one of them.
measure_blob_downloads() {
  local i name
  for round in $(seq 1 "$rounds"); do
    for i in 0 1 2; do
      timed_download "${sources[$(((round + i) % 3))]}"
    done
  done
  for name in "${sources[@]}"; do
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    median_speed[$name]=$(median ${samples[$name]})
  done
}

# ---------------------------------------------------------------------------------------------------------------
# 2. Time to first byte

# Prints the nearest-rank percentile $1 (0-100) of the numbers on standard input.
percentile() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

# One curl process makes $2 sequential requests of series $1 (the URLs come from a config file, so no process is
# started per request) and prints one "status seconds-to-first-byte" line per request. time_starttransfer runs
# from the start of a transfer to the first response byte: name lookup (none, an IP), TCP connect when the
# connection is new, the request, and the server's work up to its first byte.
ttfb_run() {
  local series=$1 count=$2 url headers=() config=$work/ttfb.curlrc
  case $series in
    peer-*) url=$(blob_url "${node_url[node-b]}" "$small_digest") ;;
    miss-*) url=$(blob_url "${node_url[node-b]}" "$miss_digest") ;;
  esac
  # Connection: close makes the server close after each response, so every request opens a new connection.
  [[ $series == *-new ]] && headers=(-H 'Connection: close')
  for _ in $(seq 1 "$count"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$config"
  timeout $((count + 60)) curl -s --max-time 10 "${headers[@]}" -w '%{http_code} %{time_starttransfer}\n' -K "$config"
}

# Records the series' samples in milliseconds; fails when a status is not the expected one.
ttfb_block() {
  local series=$1 count=$2 expected=200 output bad
  [[ $series == miss-* ]] && expected=404
  output=$(ttfb_run "$series" "$count") || die "$series: curl failed"
  [ "$(wc -l <<<"$output")" -eq "$count" ] || die "$series: expected $count responses, got $(wc -l <<<"$output")"
  bad=$(awk -v e="$expected" '$1 != e' <<<"$output" | wc -l)
  [ "$bad" -eq 0 ] || die "$series: $bad of $count responses were not $expected ($(awk -v e="$expected" '$1 != e { print $1 }' <<<"$output" | sort | uniq -c | tr '\n' ' '))"
  ttfb_samples[$series]+="$(awk '{ printf "%.3f ", $2 * 1000 }' <<<"$output")"
}

# The requests of each series are split into blocks visited in turn, so that load bursts spread across series.
# A short run of every series first warms JIT and connection pools (B's pool to A included) and is discarded.
measure_ttfb() {
  local blocks=5 block_size series
  block_size=$(((ttfb_requests + blocks - 1) / blocks))
  log "time to first byte: warm-up"
  for series in "${ttfb_series[@]}"; do ttfb_run "$series" 50 >/dev/null; done
  for block in $(seq 1 "$blocks"); do
    for series in "${ttfb_series[@]}"; do ttfb_block "$series" "$block_size"; done
    log "time to first byte: block $block of $blocks done"
  done
  for series in "${ttfb_series[@]}"; do
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    ttfb_p50[$series]=$(printf '%s\n' ${ttfb_samples[$series]} | percentile 50)
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    ttfb_p99[$series]=$(printf '%s\n' ${ttfb_samples[$series]} | percentile 99)
  done
  ttfb_count=$((block_size * blocks))
}

# ---------------------------------------------------------------------------------------------------------------
# 3. ctr images pull

ctr_ns() { timeout 300 ctr -a "$socket" -n "$namespace" "$@"; }

# Empties the private containerd: image, leases, content, and (through garbage collection) the unpacked snapshots,
# so that the next pull fetches and unpacks everything.
reset_containerd() {
  local lease digest snapshot
  ctr_ns images rm --sync "$pull_ref" >/dev/null 2>&1 || true
  for lease in $(ctr_ns leases ls -q); do ctr_ns leases rm --sync "$lease" >/dev/null 2>&1 || true; done
  for digest in $(ctr_ns content ls -q); do ctr_ns content rm "$digest" >/dev/null 2>&1 || true; done
  # Snapshots left behind (none are expected once the image is gone) are removed children first.
  for _ in $(seq 1 $((pull_layers + 2))); do
    snapshot=$(ctr_ns snapshots ls | awk 'NR > 1 { print $1 }' | tail -n 1)
    [ -z "$snapshot" ] && break
    ctr_ns snapshots rm "$snapshot" >/dev/null 2>&1 || true
  done
  [ -z "$(ctr_ns content ls -q)" ] || die "containerd still holds content after the reset"
  [ -z "$(ctr_ns snapshots ls | awk 'NR > 1')" ] || die "containerd still holds snapshots after the reset"
}

# Sets $children_seconds to the CPU seconds the shell's reaped children (and the children they reaped) have used so
# far: the second line of `times`. Not a command substitution, where `times` would describe a new subshell.
children_cpu() {
  times >"$work/times"
  children_seconds=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.2f", s }' "$work/times")
}

# Pulls the image once, via hosts folder $2 ($1 names the way), from an empty store; records seconds and CPU.
timed_pull() {
  local kind=$1 hosts=$2 start end ctd_before a_before b_before registry_before ctr_before ctr_after content digest status=0
  reset_containerd
  ctd_before=$(cpu_ticks "${pids[containerd]}")
  a_before=$(cpu_ticks "${pids[node-a]}")
  b_before=$(cpu_ticks "${pids[node-b]}")
  registry_before=$(cpu_ticks "${pids[registry]}")
  children_cpu
  ctr_before=$children_seconds
  start=$(date +%s.%N)
  # In the background so that an interrupt stops the pull at once (the trap stops $pull_pid).
  timeout 1200 ctr -a "$socket" -n "$namespace" images pull --hosts-dir "$hosts" "$pull_ref" >"$work/pull-$kind.log" 2>&1 &
  pull_pid=$!
  wait "$pull_pid" || status=$?
  end=$(date +%s.%N)
  children_cpu
  ctr_after=$children_seconds
  pull_pid=
  [ "$status" -eq 0 ] || { tail -n 20 "$work/pull-$kind.log" >&2; die "ctr images pull ($kind) failed with status $status"; }
  # The list is read whole first: with pipefail, grep -q closing the pipe early would fail the pipeline.
  content=$(ctr_ns content ls -q)
  for digest in "$pull_manifest_digest" "$pull_config_digest" "${pull_layer_digests[@]}"; do
    grep -qx "$digest" <<<"$content" || die "after the $kind pull containerd lacks $digest"
  done
  [ "$(ctr_ns snapshots ls | awk 'NR > 1' | wc -l)" -eq "$pull_layers" ] || die "the $kind pull did not unpack $pull_layers layers"
  pull_samples[$kind]+="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') "
  pull_cpu[$kind]+="${pull_cpu[$kind]:+; }ctr $(awk -v a="$ctr_after" -v b="$ctr_before" 'BEGIN { printf "%.2f", a - b }')"
  pull_cpu[$kind]+=" containerd $(ticks_to_seconds $(($(cpu_ticks "${pids[containerd]}") - ctd_before)))"
  pull_cpu[$kind]+=" B $(ticks_to_seconds $(($(cpu_ticks "${pids[node-b]}") - b_before)))"
  pull_cpu[$kind]+=" A $(ticks_to_seconds $(($(cpu_ticks "${pids[node-a]}") - a_before)))"
  pull_cpu[$kind]+=" registry $(ticks_to_seconds $(($(cpu_ticks "${pids[registry]}") - registry_before)))"
  log "pull $round ($kind): $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s"
}

# Mirror and direct pulls alternate, each round starting with the other one.
measure_pulls() {
  local kind
  for round in $(seq 1 "$pull_rounds"); do
    if [ $((round % 2)) = 1 ]; then
      timed_pull mirror "$hosts_mirror"
      timed_pull direct "$hosts_direct"
    else
      timed_pull direct "$hosts_direct"
      timed_pull mirror "$hosts_mirror"
    fi
  done
  reset_containerd
  for kind in "${pull_kinds[@]}"; do
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    pull_median[$kind]=$(median ${pull_samples[$kind]})
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Report

ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
seconds() { awk -v s="$1" 'BEGIN { printf "%.1f", s }'; }
# Prints "met" or "missed" for value $1 compared with target $3 by $2 (le or ge).
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = op == "le" ? v <= t : v >= t; print ok ? "met" : "missed" }'; }

print_report() {
  local name series nginx_version registry_version peer_ratio pull_ratio pull_mib peer_cpu
  nginx_version=$(nginx -v 2>&1 | sed 's|.*nginx/||')
  registry_version=$(docker-registry --version | awk '{ print $3 }')
  peer_ratio=$(ratio "${median_speed[peer]}" "${median_speed[direct]}")
  pull_ratio=$(ratio "${pull_median[mirror]}" "${pull_median[direct]}")
  pull_mib=$((pull_bytes / 1048576))
  # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
  peer_cpu="A $(median ${cpu_a[peer]}) s + B $(median ${cpu_b[peer]}) s"

  echo
  echo "1. Blob download, ${blob_mib} MiB, curl, median of $rounds interleaved rounds after a checked warm-up download"
  echo "   (MB/s = 10^6 bytes/s; CPU = seconds of CPU per download, node A and node B):"
  for name in "${sources[@]}"; do
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    printf '  %-22s %6s MB/s   CPU A %5s s, B %5s s   samples: %s\n' "${label[$name]}" "$(mbps "${median_speed[$name]}")" \
      "$(median ${cpu_a[$name]})" "$(median ${cpu_b[$name]})" \
      "$(for s in ${samples[$name]}; do printf '%s ' "$(mbps "$s")"; done)"
  done
  echo "  peer / direct          $peer_ratio   (target >= 0.70: $(verdict "$peer_ratio" ge 0.70))"
  echo "  peer / nginx           $(ratio "${median_speed[peer]}" "${median_speed[nginx]}")"
  echo
  echo "2. Time to first byte through node B, curl time_starttransfer, $ttfb_count sequential requests per series"
  echo "   (one curl process per block of requests, so process start-up is not included; 'new connection' includes"
  echo "   the TCP connect to B, 'reused' is one keep-alive connection as containerd keeps; B -> A uses B's pool):"
  printf '  %-40s %8s %8s\n' "" "p50 ms" "p99 ms"
  printf '  %-40s %8s %8s   (targets p50 <= 2: %s, p99 <= 10: %s)\n' "peer blob ${small_kib} KiB, new connection" \
    "$(ms "${ttfb_p50[peer-new]}")" "$(ms "${ttfb_p99[peer-new]}")" "$(verdict "${ttfb_p50[peer-new]}" le 2)" "$(verdict "${ttfb_p99[peer-new]}" le 10)"
  printf '  %-40s %8s %8s\n' "peer blob ${small_kib} KiB, reused connection" "$(ms "${ttfb_p50[peer-reused]}")" "$(ms "${ttfb_p99[peer-reused]}")"
  printf '  %-40s %8s %8s   (target p99 <= 25: %s)\n' "miss (404), new connection" \
    "$(ms "${ttfb_p50[miss-new]}")" "$(ms "${ttfb_p99[miss-new]}")" "$(verdict "${ttfb_p99[miss-new]}" le 25)"
  printf '  %-40s %8s %8s\n' "miss (404), reused connection" "$(ms "${ttfb_p50[miss-reused]}")" "$(ms "${ttfb_p99[miss-reused]}")"
  echo
  echo "3. ctr images pull (fetch and overlayfs unpack, empty store each time) of $pull_ref, $pull_layers x $layer_mib MiB"
  echo "   uncompressed layers ($pull_mib MiB), containerd $containerd_version, median of $pull_rounds alternating pulls each:"
  for kind in "${pull_kinds[@]}"; do
    printf '  %-8s %7s s  (%s MB/s)   samples: %s\n' "$kind" "$(seconds "${pull_median[$kind]}")" \
      "$(awk -v b="$pull_bytes" -v s="${pull_median[$kind]}" 'BEGIN { printf "%.0f", b / s / 1e6 }')" "${pull_samples[$kind]}"
    echo "           CPU seconds per pull: ${pull_cpu[$kind]}"
  done
  echo "  mirror / direct $pull_ratio   (target <= 1.05: $(verdict "$pull_ratio" le 1.05))"
  echo
  echo "Load average: before $load_before, after $(load_average) ($(nproc) cores)"
  echo
  echo '```markdown'
  echo "| Peer mirroring (2 nodes, Redis clustering, loopback) | Result | Target |"
  echo "|---|---:|---:|"
  echo "| ${blob_mib} MiB blob through node B from node A (peer), curl, median of $rounds | $(mbps "${median_speed[peer]}") MB/s | |"
  echo "| Same blob directly from node A | $(mbps "${median_speed[direct]}") MB/s | |"
  echo "| Same blob from nginx $nginx_version (sendfile) | $(mbps "${median_speed[nginx]}") MB/s | |"
  echo "| Peer / direct | $peer_ratio | >= 0.70 |"
  echo "| CPU per peer download | $peer_cpu | |"
  echo "| TTFB, ${small_kib} KiB peer blob via B, new connection, p50 / p99 of $ttfb_count | $(ms "${ttfb_p50[peer-new]}") / $(ms "${ttfb_p99[peer-new]}") ms | <= 2 / <= 10 ms |"
  echo "| TTFB, same, reused connection, p50 / p99 | $(ms "${ttfb_p50[peer-reused]}") / $(ms "${ttfb_p99[peer-reused]}") ms | |"
  echo "| TTFB, miss (404) via B, new connection, p50 / p99 of $ttfb_count | $(ms "${ttfb_p50[miss-new]}") / $(ms "${ttfb_p99[miss-new]}") ms | p99 <= 25 ms |"
  echo "| TTFB, miss, reused connection, p50 / p99 | $(ms "${ttfb_p50[miss-reused]}") / $(ms "${ttfb_p99[miss-reused]}") ms | |"
  echo "| ctr images pull, $pull_layers x $layer_mib MiB uncompressed, through node B (upstream closed), median of $pull_rounds | $(seconds "${pull_median[mirror]}") s | |"
  echo "| Same pull directly from docker-registry $registry_version | $(seconds "${pull_median[direct]}") s | |"
  echo "| Mirror / direct | $pull_ratio | <= 1.05 |"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, loopback, warm page cache, containerd $containerd_version; load average $load_before before, $(load_average) after."
  echo '```'
}

# ---------------------------------------------------------------------------------------------------------------

main() {
  load_before=$(load_average)
  [ "$rounds" -ge 3 ] || die "ROUNDS must be at least 3"
  [ "$pull_rounds" -ge 2 ] || die "PULL_ROUNDS must be at least 2"
  if [ "$ttfb_requests" -lt 100 ] || [ "$ttfb_requests" -gt 10000 ]; then die "TTFB_REQUESTS must be from 100 to 10000"; fi
  [ "$(id -u)" -eq 0 ] || die "run as root: the benchmark starts its own containerd"
  install_missing_packages
  work=$(mktemp -d /tmp/pm-XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # nginx workers may run as another user than the master; they must be able to read the files.
  chmod 755 "$work"
  check_disk_space

  build_spegel
  create_layouts
  start_redis
  start_nodes
  start_nginx
  start_registry
  start_containerd
  wait_for_advertisements
  write_hosts_dirs

  verify_sources
  measure_blob_downloads
  measure_ttfb
  measure_pulls
  print_report
}

main "$@"
