#!/usr/bin/env bash
# Scenario (a) of the chat figures — one room of 5,000 connections, 10 messages/s — against several Host builds in
# one invocation, alternated (A B A B ...), so a change is compared with its baseline on the same (noisy, shared)
# machine. Sibling of run-rooms-ab.sh (scenario b). Each run gets a fresh Host (pinned to core 0) and database; on that
# Host a throwaway warm-up run first (JIT tier-up, thread-pool growth, the room's first recovery), then the measured
# run. The load average is recorded before and after each measured run.
#
# Usage: bench/run-one-room-ab.sh LABEL HOST_DLL [LABEL HOST_DLL]...
#   HOST_DLL "-" is this checkout's Release build (built first). Build a baseline with e.g.
#     git worktree add /tmp/chat-base <commit> && dotnet build -c Release /tmp/chat-base/src/Host
# Environment: CONNECTIONS (5000), RATE (10 msg/s in the room), PUBLISHERS (10), DURATION (40: measured run, seconds),
#              WARMUP (5: the generator's --warmup in the measured run), WARMUP_RUN (20: seconds of the throwaway run),
#              REPEAT (2: rounds of the whole list), PORT (8090), FIGURES_OUT (default: a new temp directory).
# Everything binds to loopback; every generator run is capped by its --duration, the whole script by AB_TIMEOUT (3600 s).
set -euo pipefail

if [ -z "${ONE_ROOM_AB_GUARD:-}" ]; then
  export ONE_ROOM_AB_GUARD=1
  exec timeout -k 20 "${AB_TIMEOUT:-3600}" "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
ulimit -n "$(ulimit -Hn)"
out=${FIGURES_OUT:-$(mktemp -d /tmp/one-room-ab.XXXXXX)}
mkdir -p "$out"
conns=${CONNECTIONS:-5000}; rate=${RATE:-10}; publishers=${PUBLISHERS:-10}; dur=${DURATION:-40}
warmup=${WARMUP:-5}; warmup_run=${WARMUP_RUN:-20}; repeat=${REPEAT:-2}; port=${PORT:-8090}
base=http://127.0.0.1:$port
[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || { sed -n '2,15p' "$0"; exit 2; }
# shellcheck source=bench/chat-ab-common.sh
source "$repo/bench/chat-ab-common.sh"
chat_ab_build 2 "$@"
load() { cut -d' ' -f1-3 /proc/loadavg; }

generator() { # label seconds generator-warmup: one generator run against the running Host
  local label=$1 seconds=$2 gen_warmup=$3
  local cmd=(--url "ws://127.0.0.1:$port/ws" --http "$base" --source-addresses 127.0.0.2-101 --server-pid "$server"
    --connections "$conns" --rooms 1 --room-prefix abroom --publishers "$publishers" --rate "$rate"
    --duration "$seconds" --warmup "$gen_warmup" --ramp-rate 2500 --tokens-file "$out/$label.tokens"
    --setup create --admin "admin:$admin_pw" --create-room-path /api/rooms)
  printf '$ loadgen %s\n' "${cmd[*]}" | sed -e 's/admin:[^ ]*/admin:<password>/' >"$out/$label.cmd"
  dotnet "$lg_dll" "${cmd[@]}" --json "$out/$label.json" --quiet >"$out/$label.txt" 2>"$out/$label.lg.log" || echo "($label: generator exited with $?)"
}

run_variant() { # label dll
  local label=$1 dll=$2 data before after
  [ "$dll" = - ] && dll=$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll
  data=$(mktemp -d /tmp/one-room-ab-host.XXXXXX)
  chat_ab_start_host "$label" "$dll" "$base" --DataDirectory "$data" --Media:UdpPort 0 || return
  cp "$out/$label.tokens" "$out/$label.warm.tokens"
  generator "$label.warm" "$warmup_run" 2
  before=$(load)
  generator "$label" "$dur" "$warmup"
  after=$(load)
  printf '### %s: Host %s\n' "$label" "$dll" >>"$out/$label.cmd"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ -s "$out/$label.json" ] && jq -r --arg l "$label" --arg before "$before" --arg after "$after" '
    "\($l): sent \(.messagesPublished) deliveries \(.deliveries)/\(.expectedDeliveries) errors \(.errorCodes | tostring)" +
    " latency ms p50 \(.latency.p50 / 100 | floor / 10) p99 \(.latency.p99 / 100 | floor / 10) max \(.latency.max / 1000 | floor)" +
    " undelivered \(.undeliveredAtEnd) server CPU s \(.server.cpuSeconds) load \($before) -> \($after)"' "$out/$label.json" | tee -a "$out/summary.txt"
  rm -rf "$data"
}

printf '### machine: %s cores, load %s, %s\n' "$(nproc)" "$(load)" "$(date -u +%FT%TZ)" | tee "$out/summary.txt"
printf '### variants (label host), %s rounds: %s\n' "$repeat" "$*" | tee -a "$out/summary.txt"
args_list=("$@")
for r in $(seq 1 "$repeat"); do
  for ((i = 0; i < ${#args_list[@]}; i += 2)); do
    run_variant "${args_list[i]}-r$r" "${args_list[i + 1]}"
  done
done
cat "$out/${args_list[0]}-r1.cmd" 2>/dev/null || true
echo "### results in $out"; cat "$out/summary.txt"
