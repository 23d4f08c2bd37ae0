#!/usr/bin/env bash
# Compares how fast spegel serves a layer that lives in containerd's content store, on one machine, over loopback,
# with the same client (curl, MB/s, median of several rounds, page cache warm):
#   spegel-file  a node that sends the blob from containerd's content file (--containerd-content-path readable);
#   spegel-read  a node whose content path does not exist, so bytes come through the content service's Read stream;
#   nginx        static files with sendfile, serving the very same blob file out of containerd's content folder.
# A private containerd is started for the run, and a 1 GiB random layer is imported into it as an image with ctr.
# The script ends with a Markdown table for BENCHMARKS.md.
#
# Usage: bench/containerd-serving.sh (as root: it runs containerd)
# Tunables (environment): BLOB_MIB (1024), ROUNDS (5 curl rounds, at least 3), SERVER_WAIT_SECONDS (30),
# KEEP_TMP=1 keeps the temporary folder for inspection.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
blob_mib=${BLOB_MIB:-1024}
rounds=${ROUNDS:-5}
server_wait_seconds=${SERVER_WAIT_SECONDS:-30}

# The image in containerd, named the way containerd would ask a mirror for it.
repository=library/bench
tag=v1
image_ref=docker.io/$repository:$tag
namespace=k8s.io
manifest_type=application/vnd.oci.image.manifest.v1+json
config_type=application/vnd.oci.image.config.v1+json
# Uncompressed, so the layer's diff id is its digest and the import needs no decompression.
layer_type=application/vnd.oci.image.layer.v1.tar

servers=(spegel-file spegel-read nginx)
declare -A base_url=() query=() samples=() cpu_samples=() ctd_cpu_samples=() median_speed=() median_cpu=() median_ctd_cpu=()
declare -A label=(
  [spegel-file]="spegel, content file"
  [spegel-read]="spegel, Read stream"
  [nginx]="nginx, content file"
)

bench_name=containerd-serving
# shellcheck source=bench/lib.sh
. "$repo_root/bench/lib.sh"

# ---------------------------------------------------------------------------------------------------------------
# Setup

install_missing_packages() {
  local packages=()
  command -v containerd >/dev/null && command -v ctr >/dev/null || packages+=(containerd)
  command -v nginx >/dev/null || packages+=(nginx-light)
  command -v curl >/dev/null || packages+=(curl)
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required to build spegel"
  install_packages "${packages[@]}"
}

# Writes $1 into the layout as blobs/sha256/<hex> and prints its digest.
add_blob() {
  local file=$1 hex
  hex=$(sha256sum "$file" | cut -d' ' -f1)
  mv "$file" "$oci/blobs/sha256/$hex"
  echo "sha256:$hex"
}

# An OCI image layout with one layer (a tar holding one random file), its config and a manifest; index.json names
# the image with the annotation ctr import reads.
create_image() {
  log "creating a ${blob_mib} MiB random layer and an OCI image layout"
  oci=$work/oci
  mkdir -p "$oci/blobs/sha256" "$work/layer-files"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"

  head -c $((blob_mib * 1048576)) /dev/urandom >"$work/layer-files/random"
  tar -C "$work/layer-files" -cf "$work/layer" random
  rm -rf "$work/layer-files"
  layer_size=$(stat -c %s "$work/layer")
  layer_digest=$(add_blob "$work/layer")

  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$layer_digest" >"$work/config"
  config_size=$(stat -c %s "$work/config")
  config_digest=$(add_blob "$work/config")

  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},"layers":[{"mediaType":"%s","digest":"%s","size":%d}]}' \
    "$manifest_type" "$config_type" "$config_digest" "$config_size" "$layer_type" "$layer_digest" "$layer_size" >"$work/manifest"
  manifest_size=$(stat -c %s "$work/manifest")
  manifest_digest=$(add_blob "$work/manifest")

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"%s","digest":"%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_type" "$manifest_digest" "$manifest_size" "$image_ref" "$tag" >"$oci/index.json"
}

# Streams the layout into ctr as a tar, so no second copy of the layer is written; then drops the layout, leaving
# containerd's blob file as the only copy on disk and in the page cache.
import_image() {
  local options=()
  # Without unpacking no snapshot is made: only the content store matters here.
  ctr images import --help 2>&1 | grep -q -- --no-unpack && options+=(--no-unpack)
  log "importing $image_ref into containerd (namespace $namespace)"
  tar -C "$oci" -cf - . | timeout 900 ctr -a "$socket" -n "$namespace" images import "${options[@]}" - >"$work/import.log" 2>&1 \
    || { tail -n 30 "$work/import.log" >&2; die "ctr images import failed"; }
  rm -rf "$oci"

  blob_path=$content_root/blobs/sha256/${layer_digest#sha256:}
  [ "$(stat -c %s "$blob_path" 2>/dev/null)" = "$layer_size" ] || die "containerd holds no $blob_path of $layer_size bytes"
  timeout 10 ctr -a "$socket" -n "$namespace" images ls -q | grep -qx "$image_ref" || die "containerd lists no image $image_ref"

  # containerd makes its root folders private (0700); nginx's workers run as another user and only need to pass.
  chmod 711 "$work" "$ctd" "$ctd/root"
}

# ---------------------------------------------------------------------------------------------------------------
# Servers

# Starts a node named $1 against our containerd, with $2 as its content path.
start_spegel() {
  local name=$1 content_path=$2
  # Each node is a one-silo cluster of its own: they must not share grains or serve each other's requests.
  launch_spegel "$name" --store containerd --containerd-socket "$socket" --containerd-namespace "$namespace" \
    --containerd-content-path "$content_path" --cluster-id "$name" --node-name "$name"
  base_url[$name]=$spegel_registry_url
  # containerd adds ?ns=<registry> to every request it sends a mirror.
  query[$name]="?ns=docker.io"
}

start_nginx() {
  local port
  pick_port
  # The blob URL maps onto containerd's file for that digest; /ready is what the start-up wait polls.
  launch_nginx nginx "$port" "    location = /ready { return 200; }
    location ~ \"^/v2/$repository/blobs/sha256:([0-9a-f]{64})\$\" { alias $content_root/blobs/sha256/\$1; }"
  base_url[nginx]=http://127.0.0.1:$port
  query[nginx]=""
}

start_servers() {
  start_spegel spegel-file "$content_root"
  start_spegel spegel-read "$work/no-content-folder"
  start_nginx
  wait_until_ready spegel-file "$(manifest_url spegel-file)"
  wait_until_ready spegel-read "$(manifest_url spegel-read)"
  wait_until_ready nginx "${base_url[nginx]}/ready"
}

cleanup() {
  stop_servers
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
}

blob_url() { echo "${base_url[$1]}/v2/$repository/blobs/$layer_digest${query[$1]}"; }
manifest_url() { echo "${base_url[$1]}/v2/$repository/manifests/$tag${query[$1]}"; }

# ---------------------------------------------------------------------------------------------------------------
# Measurements

# A fast wrong answer would be meaningless: each server must return the exact bytes before it is timed.
verify_server() {
  local name=$1 got
  got=$(curl -sf --max-time 300 "$(blob_url "$name")" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$layer_digest" ] || die "$name returned a layer with digest sha256:$got, expected $layer_digest"
  log "$name serves the right layer"
}

# The processes that do a server's work: nginx's workers (children of the master), or the node itself.
server_pids() {
  if [ "$1" = nginx ]; then
    pgrep -P "${pids[nginx]}" | tr '\n' ' '
  else
    echo "${pids[$1]}"
  fi
}

# Downloads the layer once from $1 and records MB/s and the CPU seconds the server and containerd spent on it.
# Sets $speed to bytes per second.
timed_download() {
  local name=$1 server before_server before_ctd hz
  hz=$(getconf CLK_TCK)
  # shellcheck disable=SC2207 # the PIDs are numbers separated by spaces
  server=($(server_pids "$name"))
  before_server=$(cpu_ticks "${server[@]}")
  before_ctd=$(cpu_ticks "${pids[containerd]}")
  speed=$(curl -sf --max-time 300 -o /dev/null -w '%{speed_download}' "$(blob_url "$name")")
  samples[$name]+="$speed "
  cpu_samples[$name]+="$(awk -v t=$(($(cpu_ticks "${server[@]}") - before_server)) -v hz="$hz" 'BEGIN { print t / hz }') "
  ctd_cpu_samples[$name]+="$(awk -v t=$(($(cpu_ticks "${pids[containerd]}") - before_ctd)) -v hz="$hz" 'BEGIN { print t / hz }') "
}

# Each round visits every server once, starting with a different one, so that a burst of load from other
# processes on the machine is spread across servers instead of hitting one of them.
measure_blob_downloads() {
  local round i name speed warm
  log "warm-up download from each server"
  for name in "${servers[@]}"; do
    warm=$(curl -sf --max-time 300 -o /dev/null -w '%{speed_download}' "$(blob_url "$name")")
    log "warm-up: $name $(mbps "$warm") MB/s"
  done
  for round in $(seq 1 "$rounds"); do
    for i in 0 1 2; do
      name=${servers[$(((round + i) % 3))]}
      timed_download "$name"
      log "round $round: $name $(mbps "$speed") MB/s"
    done
  done
  for name in "${servers[@]}"; do
    # shellcheck disable=SC2086 # the samples are space-separated lists of numbers
    {
      median_speed[$name]=$(median ${samples[$name]})
      median_cpu[$name]=$(median ${cpu_samples[$name]})
      median_ctd_cpu[$name]=$(median ${ctd_cpu_samples[$name]})
    }
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Report

seconds() { awk -v s="$1" 'BEGIN { printf "%.2f", s }'; }

print_report() {
  local name nginx_version file_ratio read_ratio
  nginx_version=$(nginx -v 2>&1 | sed 's|.*nginx/||')
  file_ratio=$(ratio "${median_speed[spegel-file]}" "${median_speed[nginx]}")
  read_ratio=$(ratio "${median_speed[spegel-read]}" "${median_speed[nginx]}")

  echo
  echo "Layer download from containerd $containerd_version's content store, $((layer_size / 1048576)) MiB, curl, median of $rounds"
  echo "(MB/s = 10^6 bytes/s; CPU = seconds of CPU per download, server process and containerd):"
  for name in "${servers[@]}"; do
    printf '  %-22s %6s MB/s   CPU server %5s s, containerd %5s s   samples: %s\n' "${label[$name]}" \
      "$(mbps "${median_speed[$name]}")" "$(seconds "${median_cpu[$name]}")" "$(seconds "${median_ctd_cpu[$name]}")" \
      "$(for s in ${samples[$name]}; do printf '%s ' "$(mbps "$s")"; done)"
  done
  echo "  file path / nginx      $file_ratio   (target >= 0.95)"
  echo "  Read stream / nginx    $read_ratio   (target >= 0.50)"
  echo
  echo "Load average: before $load_before, after $(load_average) ($(nproc) cores)"
  echo
  echo '```markdown'
  echo "| Server, layer in containerd $containerd_version | ${blob_mib} MiB layer, curl (MB/s, median of $rounds) | / nginx | CPU s per download (server + containerd) |"
  echo "|---|---:|---:|---:|"
  echo "| spegel (Release), blob file from the content folder | $(mbps "${median_speed[spegel-file]}") | $file_ratio | $(seconds "${median_cpu[spegel-file]}") + $(seconds "${median_ctd_cpu[spegel-file]}") |"
  echo "| spegel (Release), content service Read stream | $(mbps "${median_speed[spegel-read]}") | $read_ratio | $(seconds "${median_cpu[spegel-read]}") + $(seconds "${median_ctd_cpu[spegel-read]}") |"
  echo "| nginx $nginx_version (sendfile, workers auto), same blob file | $(mbps "${median_speed[nginx]}") | 1.00 | $(seconds "${median_cpu[nginx]}") + $(seconds "${median_ctd_cpu[nginx]}") |"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, loopback, warm page cache; load average $load_before before, $(load_average) after."
  echo '```'
}

# ---------------------------------------------------------------------------------------------------------------

main() {
  load_before=$(load_average)
  [ "$rounds" -ge 3 ] || die "ROUNDS must be at least 3"
  [ "$(id -u)" -eq 0 ] || die "run as root: the benchmark starts its own containerd"
  install_missing_packages
  work=$(mktemp -d /tmp/cb-XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  build_spegel
  start_containerd
  create_image
  import_image
  start_servers
  for name in "${servers[@]}"; do verify_server "$name"; done

  measure_blob_downloads
  print_report
}

main "$@"
