#!/usr/bin/env bash
# A fresh node against a warm one: for each variant, a fresh Host (pinned to core 0, fresh database) is started, its
# time from launch to /healthz/ready measured, and the scenario run twice on it: first at once ("fresh": the
# generator's --warmup 0, and --first-window 10 for the latency of the first 10 s of publishing on their own), then
# the same load again ("steady": the rooms exist and the code is compiled). Variants alternate in one invocation.
#
# Usage: bench/run-fresh-node-ab.sh LABEL HOST_DLL "ENV" [LABEL HOST_DLL "ENV"]...
#   HOST_DLL "-" is this checkout's Release build (built first); a published build is named by its dll.
#   ENV: variables for that Host only, e.g. "DOTNET_TieredPGO=1" or "CS_Chat__Warmup__Enabled=false" ("" for none).
# Environment: SCENARIO (rooms: 1,000 rooms × 10, 1 msg/s per room; one-room: 5,000 members, 10 msg/s),
#              DURATION (40 s per generator run), FIRST_WINDOW (10 s), REPEAT (2 rounds), PORT (8092), FIGURES_OUT.
# Everything binds to loopback; every generator run is capped by its --duration, the whole script by AB_TIMEOUT (3600 s).
set -euo pipefail

if [ -z "${FRESH_AB_GUARD:-}" ]; then
  export FRESH_AB_GUARD=1
  exec timeout -k 20 "${AB_TIMEOUT:-3600}" "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
ulimit -n "$(ulimit -Hn)"
out=${FIGURES_OUT:-$(mktemp -d /tmp/fresh-node-ab.XXXXXX)}
mkdir -p "$out"
scenario=${SCENARIO:-rooms}; dur=${DURATION:-40}; first=${FIRST_WINDOW:-10}; repeat=${REPEAT:-2}; port=${PORT:-8092}
base=http://127.0.0.1:$port
[ $# -ge 3 ] && [ $(($# % 3)) = 0 ] || { sed -n '2,13p' "$0"; exit 2; }
case $scenario in
  rooms) load_args=(--connections 10000 --rooms 1000 --room-prefix fnroom --publishers 1000 --rate 1) ;;
  one-room) load_args=(--connections 5000 --rooms 1 --room-prefix fnbig --publishers 10 --rate 10) ;;
  *) echo "SCENARIO is rooms or one-room"; exit 2 ;;
esac
# shellcheck source=bench/chat-ab-common.sh
source "$repo/bench/chat-ab-common.sh"
chat_ab_build 3 "$@"
load() { cut -d' ' -f1-3 /proc/loadavg; }

start_host() { # label dll env: sets `server` and `ready_ms`
  local label=$1 dll=$2 env=$3 data t0 i
  data=$(mktemp -d /tmp/fresh-node-host.XXXXXX)
  local common=(--Http:Url "$base" --Admin:Url http://127.0.0.1:0 --Cluster:Port 0 --Media:UdpPort 0 --DataDirectory "$data"
    --Identity:Throttle:RegisterAttemptsPerMinute 10000 --Identity:Throttle:IpAttemptsPerMinute 10000
    --Identity:Jwt:AccessTokenMinutes 120
    --Chat:MaxConnectionsPerIp 20000 --Chat:RateLimitMessages 100000 --Chat:HistoryOnJoin 0)
  printf '%s\n' "$admin_pw" | dotnet "$dll" --create-admin admin admin@example.test "${common[@]}" >"$out/$label.create-admin.log" 2>&1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  env $env "${pin[@]}" dotnet "$dll" "${common[@]}" >"$out/$label.host.log" 2>&1 &
  server=$!
  for i in $(seq 1 1200); do
    curl -fsS -o /dev/null "$base/healthz/ready" 2>/dev/null && break
    [ "$i" = 1200 ] && { echo "$label: Host not ready; see $out/$label.host.log"; return 1; }
    sleep 0.1
  done
  ready_ms=$((($(date +%s%N) - t0) / 1000000))
  : >"$out/$label.tokens"
  for i in $(seq 0 19); do
    register "$base" "lguser$i" "$user_pw" "127.0.0.$((i + 2))"
    login "$base" "lguser$i" "$user_pw" "127.0.0.$((i + 2))" >>"$out/$label.tokens"
  done
}

generator() { # label warmup
  local label=$1 warmup=$2
  local cmd=(--url "ws://127.0.0.1:$port/ws" --http "$base" --source-addresses 127.0.0.2-101 --server-pid "$server"
    "${load_args[@]}" --duration "$dur" --warmup "$warmup" --first-window "$first" --ramp-rate 2500
    --tokens-file "$out/${label%.*}.tokens" --setup create --admin "admin:$admin_pw" --create-room-path /api/rooms)
  printf '$ loadgen %s\n' "${cmd[*]}" | sed -e 's/admin:[^ ]*/admin:<password>/' >"$out/$label.cmd"
  dotnet "$lg_dll" "${cmd[@]}" --json "$out/$label.json" --quiet >"$out/$label.txt" 2>"$out/$label.lg.log" || echo "($label: generator exited with $?)"
}

summary() { # label phase
  jq -r --arg l "$1" '
    "\($l): first \(.latencyFirstWindow.p50 / 100 | floor / 10) / \(.latencyFirstWindow.p99 / 100 | floor / 10) ms" +
    " | whole p50 \(.latency.p50 / 100 | floor / 10) p99 \(.latency.p99 / 100 | floor / 10) max \(.latency.max / 1000 | floor) ms" +
    " | CPU s \(.server.cpuSeconds) | deliveries \(.deliveries)/\(.expectedDeliveries) undelivered \(.undeliveredAtEnd)" +
    " errors \(.errorCodes | tostring)"' "$out/$1.json"
}

run_variant() { # label dll env
  local label=$1 dll=$2 env=$3 before
  [ "$dll" = - ] && dll=$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll
  before=$(load)
  start_host "$label" "$dll" "$env" || { kill "$server" 2>/dev/null; server=; return; }
  generator "$label.fresh" 0
  generator "$label.steady" 5
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  {
    printf '%s: ready %s ms; load %s -> %s; Host %s %s\n' "$label" "$ready_ms" "$before" "$(load)" "$dll" "$env"
    printf '  fresh  %s\n' "$(summary "$label.fresh")"
    printf '  steady %s\n' "$(summary "$label.steady")"
  } | tee -a "$out/summary.txt"
}

printf '### %s, machine: %s cores, load %s, %s\n' "$scenario" "$(nproc)" "$(load)" "$(date -u +%FT%TZ)" | tee "$out/summary.txt"
args_list=("$@")
for r in $(seq 1 "$repeat"); do
  for ((i = 0; i < ${#args_list[@]}; i += 3)); do
    run_variant "${args_list[i]}-r$r" "${args_list[i + 1]}" "${args_list[i + 2]}"
  done
done
cat "$out/${args_list[0]}-r1.fresh.cmd" 2>/dev/null || true
echo "### results in $out"; cat "$out/summary.txt"
