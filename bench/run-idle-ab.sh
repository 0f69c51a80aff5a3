#!/usr/bin/env bash
# Idle memory per joined socket — 19,000 connections in 1,000 standalone rooms, each joined and then silent — against
# several Host variants in one invocation (issue 17's target: <= 5 KiB of server RSS per socket over the idle
# baseline). Each variant gets a fresh Host (pinned to core 0) and a fresh database; the generator (2 processes, so
# file limits hold) samples the Host's RSS before connecting and while the sockets are held.
#
# Usage: bench/run-idle-ab.sh LABEL HOST_DLL "EXTRA HOST ARGS" [LABEL HOST_DLL "ARGS"]...
#   HOST_DLL "-" is this checkout's Release build (built first). "ENV:" words at the start of ARGS
#   (e.g. "ENV:DOTNET_GCgen0size=0x400000 --Chat:X 1") set the Host's environment.
# Environment: CONNECTIONS (19000), ROOMS (1000), DURATION (45), REPEAT (1), FIGURES_OUT,
#              GCDUMP_AT=SECONDS: a dotnet-gcdump of the Host that far into the run, reported per type (the dump
#              forces a collection: take the RSS figures from runs without it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ulimit -n "$(ulimit -Hn)"
out=${FIGURES_OUT:-$(mktemp -d /tmp/idle-ab.XXXXXX)}
mkdir -p "$out"
connections=${CONNECTIONS:-19000}; rooms=${ROOMS:-1000}; dur=${DURATION:-45}; repeat=${REPEAT:-1}
[ $# -ge 3 ] && [ $(($# % 3)) = 0 ] || { sed -n '2,13p' "$0"; exit 2; }
# shellcheck source=bench/chat-ab-common.sh
source "$repo/bench/chat-ab-common.sh"
chat_ab_build 3 "$@"
gcdump=$(command -v dotnet-gcdump || echo "$HOME/.dotnet/tools/dotnet-gcdump")

run_variant() { # label dll args
  local label=$1 dll=$2 args=$3 data base=http://127.0.0.1:8080 word
  [ "$dll" = - ] && dll=$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll
  data=$(mktemp -d /tmp/idle-ab-host.XXXXXX)
  local -a extra=() env=()
  # shellcheck disable=SC2206
  for word in $args; do if [[ "$word" == ENV:* ]]; then env+=("${word#ENV:}"); else extra+=("$word"); fi; done
  local -a saved_pin=("${pin[@]}")
  [ ${#env[@]} -gt 0 ] && pin=(env "${env[@]}" "${pin[@]}")
  chat_ab_start_host "$label" "$dll" "$base" --DataDirectory "$data" "${extra[@]}" || { pin=("${saved_pin[@]}"); return; }
  pin=("${saved_pin[@]}")
  local cmd=(--url ws://127.0.0.1:8080/ws --http "$base" --source-addresses 127.0.0.2-101 --server-pid "$server"
    --connections "$connections" --rooms "$rooms" --room-prefix lgroom --publishers 0 --rate 1 --history 0
    --processes 2 --duration "$dur" --ramp-rate 3000
    --setup create --admin "admin:$admin_pw" --create-room-path /api/rooms)
  printf '### %s: Host %s %s\n$ loadgen %s\n' "$label" "$dll" "$args" "${cmd[*]}" | sed -e 's/admin:[^ ]*/admin:<password>/' | tee "$out/$label.cmd"
  local dump=
  if [ -n "${GCDUMP_AT:-}" ]; then
    (sleep "$GCDUMP_AT"; "$gcdump" collect -p "$server" -o "$out/$label.gcdump" >"$out/$label.gcdump.log" 2>&1 \
      && "$gcdump" report "$out/$label.gcdump" >"$out/$label.gcdump.txt" 2>&1) &
    dump=$!
  fi
  dotnet "$lg_dll" "${cmd[@]}" --json "$out/$label.json" --quiet >"$out/$label.txt" 2>"$out/$label.lg.log" || echo "($label: generator exited with $?)"
  [ -n "$dump" ] && wait "$dump"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ -s "$out/$label.json" ] && jq -r --arg l "$label" '
    "\($l): held \(.connectionsHeld) of \(.connectionsAttempted)" +
    " RSS KiB \(.server.rssBaselineKiB) -> \(.server.rssHeldKiB) (peak \(.server.rssPeakKiB)): \(.server.rssBytesPerConnection) B per connection"' \
    "$out/$label.json" | tee -a "$out/summary.txt"
  rm -rf "$data"
}

printf '### machine: %s cores, load %s, %s; raw output in %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%FT%TZ)" "$out"
args_list=("$@")
for r in $(seq 1 "$repeat"); do
  for ((i = 0; i < ${#args_list[@]}; i += 3)); do
    run_variant "${args_list[i]}-r$r" "${args_list[i + 1]}" "${args_list[i + 2]}"
    printf '    (load %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
echo "### results in $out"; cat "$out/summary.txt"
