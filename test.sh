#!/usr/bin/env bash
# Builds the solution and runs every test project, then prints one line "N passed, N failed[, N skipped]".
# Installs what the tests need when it is missing: Debian packages (as root) and NuGet packages (restore).
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests start or call: containerd (+ ctr, runc for unpacking), redis-server, skopeo, and
# docker-registry (the Distribution registry, as a real upstream for fallback tests).
packages=()
command -v containerd >/dev/null || packages+=(containerd)
command -v ctr >/dev/null || packages+=(containerd)
command -v runc >/dev/null || packages+=(runc)
command -v redis-server >/dev/null || packages+=(redis-server)
command -v skopeo >/dev/null || packages+=(skopeo)
command -v docker-registry >/dev/null || packages+=(docker-registry)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${packages[*]}; install them (Debian: apt-get install ${packages[*]}) or run as root" >&2
    exit 1
  fi
  echo "test.sh: installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null || exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=Release
if ! dotnet build Spegel.sln -c "$configuration" -v q -nologo; then
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0 skipped=0
for project in tests/*/; do
  name=$(basename "$project")
  dll="$project/bin/$configuration/net10.0/$name.dll"
  [ -f "$project/$name.csproj" ] && grep -q '<IsTestProject>true' "$project/$name.csproj" || continue
  echo "=== $name"
  log=$(mktemp)
  # Every test project is bounded: a hung project counts as failed instead of hanging the run.
  timeout --kill-after=30 1800 dotnet "$dll" -noColor -parallel collections "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  summary=$(grep -oE 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+, Not Run: [0-9]+' "$log" | tail -n 1)
  rm -f "$log"
  if [ -z "$summary" ]; then
    echo "test.sh: $name ended with status $status and no summary"
    failed=$((failed + 1))
    continue
  fi
  read -r total errors fails skips notrun < <(echo "$summary" | grep -oE '[0-9]+' | tr '\n' ' ')
  failed=$((failed + fails + errors))
  skipped=$((skipped + skips + notrun))
  passed=$((passed + total - fails - skips - notrun))
  if [ "$status" -ne 0 ] && [ $((fails + errors)) -eq 0 ]; then
    echo "test.sh: $name ended with status $status"
    failed=$((failed + 1))
  fi
done

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
