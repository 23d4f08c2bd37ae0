#!/usr/bin/env bash
# Compares raw serving speed of spegel's registry endpoint with nginx (static files, sendfile) and the Distribution
# registry (docker-registry, filesystem storage), on one machine, over loopback, with the same clients:
#   1. a 1 GiB layer blob downloaded with curl (MB/s, median of several rounds, page cache warm);
#   2. a small image manifest fetched by tag with wrk (requests/s, median of several rounds).
# All three servers serve the same files (hard links to one copy when the filesystem allows it), so they read the
# same page-cache pages. The script ends with a Markdown table for BENCHMARKS.md.
#
# Usage: bench/blob-serving.sh
# Tunables (environment): BLOB_MIB (1024), ROUNDS (5 curl rounds), WRK_ROUNDS (3), WRK_SECONDS (10),
# WRK_CONNECTIONS (16), SERVER_WAIT_SECONDS (30), KEEP_TMP=1 keeps the temporary folder for inspection.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
blob_mib=${BLOB_MIB:-1024}
rounds=${ROUNDS:-5}
wrk_rounds=${WRK_ROUNDS:-3}
wrk_seconds=${WRK_SECONDS:-10}
wrk_connections=${WRK_CONNECTIONS:-16}
server_wait_seconds=${SERVER_WAIT_SECONDS:-30}

# The image every server offers, named the way containerd would ask for it.
repository=library/bench
tag=v1
image_ref=docker.io/$repository:$tag
manifest_type=application/vnd.oci.image.manifest.v1+json
config_type=application/vnd.oci.image.config.v1+json
layer_type=application/vnd.oci.image.layer.v1.tar

servers=(spegel nginx registry)
declare -A base_url=() query=() blob_samples=() wrk_samples=() blob_median=() wrk_median=()

bench_name=blob-serving
# shellcheck source=bench/lib.sh
. "$repo_root/bench/lib.sh"

# ---------------------------------------------------------------------------------------------------------------
# Setup

install_missing_packages() {
  local packages=()
  command -v nginx >/dev/null || packages+=(nginx-light)
  command -v docker-registry >/dev/null || packages+=(docker-registry)
  command -v wrk >/dev/null || packages+=(wrk)
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

# One OCI image layout with a config blob, the random layer and a manifest naming both; index.json names the image.
create_image() {
  log "creating a ${blob_mib} MiB random layer and an OCI image layout"
  oci=$work/oci
  mkdir -p "$oci/blobs/sha256"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"

  head -c $((blob_mib * 1048576)) /dev/urandom >"$work/layer"
  layer_size=$(stat -c %s "$work/layer")
  layer_digest=$(add_blob "$work/layer")

  # The layer is stored uncompressed, so its diff id is its digest; nothing ever unpacks it.
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

# Hard links keep one copy of the 1 GiB layer on disk and in the page cache; a copy is the fallback.
link_file() {
  mkdir -p "$(dirname "$2")"
  ln "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

blob_file() { echo "$oci/blobs/sha256/${1#sha256:}"; }

# nginx serves the same URL paths a registry would, from plain files.
layout_nginx_files() {
  local root=$work/nginx/root/v2/$repository digest
  for digest in "$config_digest" "$layer_digest" "$manifest_digest"; do
    link_file "$(blob_file "$digest")" "$root/blobs/$digest"
  done
  link_file "$(blob_file "$manifest_digest")" "$root/manifests/$tag"
}

# Distribution's filesystem driver layout: blob data by digest, and per-repository link files that hold a digest.
layout_registry_files() {
  local v2=$work/registry/docker/registry/v2 repo digest hex
  repo=$v2/repositories/$repository
  for digest in "$config_digest" "$layer_digest" "$manifest_digest"; do
    hex=${digest#sha256:}
    link_file "$(blob_file "$digest")" "$v2/blobs/sha256/${hex:0:2}/$hex/data"
  done
  for digest in "$config_digest" "$layer_digest"; do
    write_link "$repo/_layers/sha256/${digest#sha256:}/link" "$digest"
  done
  hex=${manifest_digest#sha256:}
  write_link "$repo/_manifests/revisions/sha256/$hex/link" "$manifest_digest"
  write_link "$repo/_manifests/tags/$tag/current/link" "$manifest_digest"
  write_link "$repo/_manifests/tags/$tag/index/sha256/$hex/link" "$manifest_digest"
}

write_link() {
  mkdir -p "$(dirname "$1")"
  printf '%s' "$2" >"$1"
}

# ---------------------------------------------------------------------------------------------------------------
# Servers

start_spegel() {
  launch_spegel spegel --store "oci:$oci"
  base_url[spegel]=$spegel_registry_url
  # containerd adds ?ns=<registry> to every request it sends a mirror.
  query[spegel]="?ns=docker.io"
  wait_until_ready spegel "${base_url[spegel]}/v2/$repository/manifests/$tag${query[spegel]}"
}

start_nginx() {
  local port
  pick_port
  launch_nginx nginx "$port" "    root $work/nginx/root;
    location /v2/$repository/manifests/ { default_type $manifest_type; }"
  base_url[nginx]=http://127.0.0.1:$port
  query[nginx]=""
  wait_until_ready nginx "${base_url[nginx]}/v2/$repository/manifests/$tag"
}

start_registry() {
  local port
  pick_port
  # The in-memory blob descriptor cache is what Debian's default configuration enables.
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
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  pids[registry]=$!
  base_url[registry]=http://127.0.0.1:$port
  query[registry]=""
  wait_until_ready registry "${base_url[registry]}/v2/"
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
  local name=$1 got content_type
  got=$(curl -sf --max-time 300 "$(blob_url "$name")" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$layer_digest" ] || die "$name returned a layer with digest sha256:$got, expected $layer_digest"
  got=$(curl -sf --max-time 10 -H "Accept: $manifest_type" "$(manifest_url "$name")" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$manifest_digest" ] || die "$name returned a manifest with digest sha256:$got, expected $manifest_digest"
  content_type=$(curl -sf --max-time 10 -o /dev/null -w '%{content_type}' -H "Accept: $manifest_type" "$(manifest_url "$name")")
  [ "$content_type" = "$manifest_type" ] || die "$name returned the manifest as '$content_type', expected $manifest_type"
  log "$name serves the right layer and manifest"
}

# Prints bytes per second of one full download of the layer.
download_speed() {
  curl -sf --max-time 300 -o /dev/null -w '%{speed_download}' "$(blob_url "$1")"
}

# Each round visits every server once, starting with a different one, so that a burst of load from other
# processes on the machine is spread across servers instead of hitting one of them.
measure_blob_downloads() {
  local round i name speed
  log "warm-up download from each server"
  for name in "${servers[@]}"; do download_speed "$name" >/dev/null; done
  for round in $(seq 1 "$rounds"); do
    for i in 0 1 2; do
      name=${servers[$(((round + i) % 3))]}
      speed=$(download_speed "$name")
      blob_samples[$name]+="$speed "
      log "round $round: $name $(awk -v b="$speed" 'BEGIN { printf "%.0f", b / 1e6 }') MB/s"
    done
  done
  for name in "${servers[@]}"; do
    # shellcheck disable=SC2086 # the samples are a space-separated list of numbers
    blob_median[$name]=$(median ${blob_samples[$name]})
  done
}

# Prints requests/s of one wrk run; fails when any response was not 2xx/3xx.
wrk_rate() {
  local name=$1 seconds=$2 output
  output=$(timeout $((seconds + 60)) wrk -t1 -c"$wrk_connections" -d"${seconds}s" --timeout 5s \
    -H "Accept: $manifest_type" "$(manifest_url "$name")")
  if grep -q 'Non-2xx or 3xx responses' <<<"$output"; then
    echo "$output" >&2
    die "$name answered some manifest requests with an error"
  fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$output"
}

measure_manifest_rate() {
  local round i name rate
  # A short run first, so spegel's JIT and every server's connection handling are warm before timing.
  log "warm-up wrk run against each server"
  for name in "${servers[@]}"; do wrk_rate "$name" 3 >/dev/null; done
  for round in $(seq 1 "$wrk_rounds"); do
    for i in 0 1 2; do
      name=${servers[$(((round + i) % 3))]}
      rate=$(wrk_rate "$name" "$wrk_seconds")
      wrk_samples[$name]+="$rate "
      log "round $round: $name $rate req/s"
    done
  done
  for name in "${servers[@]}"; do
    # shellcheck disable=SC2086 # the samples are a space-separated list of numbers
    wrk_median[$name]=$(median ${wrk_samples[$name]})
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Report

print_report() {
  local name nginx_version registry_version
  nginx_version=$(nginx -v 2>&1 | sed 's|.*nginx/||')
  registry_version=$(docker-registry --version | awk '{ print $3 }')

  echo
  echo "Blob download, ${blob_mib} MiB, curl, median of $rounds (MB/s = 10^6 bytes/s):"
  for name in "${servers[@]}"; do
    printf '  %-8s %6s MB/s   samples: %s\n' "$name" "$(mbps "${blob_median[$name]}")" \
      "$(for s in ${blob_samples[$name]}; do printf '%s ' "$(mbps "$s")"; done)"
  done
  echo "  spegel/nginx    $(ratio "${blob_median[spegel]}" "${blob_median[nginx]}")"
  echo "  spegel/registry $(ratio "${blob_median[spegel]}" "${blob_median[registry]}")"
  echo
  echo "Manifest GET by tag, wrk -t1 -c$wrk_connections -d${wrk_seconds}s, median of $wrk_rounds:"
  for name in "${servers[@]}"; do
    printf '  %-8s %8s req/s   samples: %s\n' "$name" "$(rps "${wrk_median[$name]}")" "${wrk_samples[$name]}"
  done
  echo "  spegel/nginx    $(ratio "${wrk_median[spegel]}" "${wrk_median[nginx]}")"
  echo "  spegel/registry $(ratio "${wrk_median[spegel]}" "${wrk_median[registry]}")"
  echo
  echo "Load average: before $load_before, after $(load_average) ($(nproc) cores)"
  echo
  echo '```markdown'
  echo "| Server | ${blob_mib} MiB blob, curl (MB/s, median of $rounds) | Manifest GET, wrk -c$wrk_connections (req/s, median of $wrk_rounds) |"
  echo "|---|---:|---:|"
  echo "| spegel (Release) | $(mbps "${blob_median[spegel]}") | $(rps "${wrk_median[spegel]}") |"
  echo "| nginx $nginx_version (sendfile, workers auto) | $(mbps "${blob_median[nginx]}") | $(rps "${wrk_median[nginx]}") |"
  echo "| docker-registry $registry_version (filesystem) | $(mbps "${blob_median[registry]}") | $(rps "${wrk_median[registry]}") |"
  echo "| spegel / nginx | $(ratio "${blob_median[spegel]}" "${blob_median[nginx]}") | $(ratio "${wrk_median[spegel]}" "${wrk_median[nginx]}") |"
  echo "| spegel / docker-registry | $(ratio "${blob_median[spegel]}" "${blob_median[registry]}") | $(ratio "${wrk_median[spegel]}" "${wrk_median[registry]}") |"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, loopback, warm page cache; load average $load_before before, $(load_average) after."
  echo '```'
}

# ---------------------------------------------------------------------------------------------------------------

main() {
  load_before=$(load_average)
  install_missing_packages
  work=$(mktemp -d)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # nginx workers may run as another user than the master; they must be able to read the files.
  chmod 755 "$work"

  build_spegel
  create_image
  layout_nginx_files
  layout_registry_files

  start_spegel
  start_nginx
  start_registry
  for name in "${servers[@]}"; do verify_server "$name"; done

  measure_blob_downloads
  measure_manifest_rate
  print_report
}

main "$@"
