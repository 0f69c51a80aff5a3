#!/usr/bin/env bash
# Scenario (b) of the chat figures — 1,000 standalone rooms × 10 members, 1 message/s per room — against
# several Host variants in one invocation, so a change is compared with its baseline on the same (noisy)
# machine. Each variant gets a fresh Host (pinned to core 0) and a fresh database; the generator is the one
# run-chat-figures.sh uses, with the same arguments.
#
# Usage: bench/run-rooms-ab.sh LABEL HOST_DLL "EXTRA HOST ARGS" [LABEL HOST_DLL "ARGS"]...
#   HOST_DLL "-" is this checkout's Release build (built first).
#   In ARGS, @PGDB@ becomes "--Persistence:Provider PostgreSql --Persistence:ConnectionString <fresh database>"
#   (needs PG_CS, a connection string whose user may CREATE DATABASE, e.g. the last line of .ci/start-postgres.sh).
# Environment: ROOMS (1000), DURATION (40), RATE (1), REPEAT (1: runs of the whole list), FIGURES_OUT,
#              PROBE="SECONDS COMMAND" (e.g. "30 dotnet-stack report -p \$PID") during each generator run.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ulimit -n "$(ulimit -Hn)"
out=${FIGURES_OUT:-$(mktemp -d /tmp/rooms-ab.XXXXXX)}
mkdir -p "$out"
rooms=${ROOMS:-1000}; dur=${DURATION:-40}; rate=${RATE:-1}; repeat=${REPEAT:-1}
[ $# -ge 3 ] && [ $(($# % 3)) = 0 ] || { sed -n '2,13p' "$0"; exit 2; }
# shellcheck source=bench/chat-ab-common.sh
source "$repo/bench/chat-ab-common.sh"
chat_ab_build 3 "$@"

fresh_pg() { # prints the connection string of a new, empty database
  local name="rooms_ab_$(date +%s%N | tail -c 10)"
  psql "$(pg_uri)" -qAt -c "CREATE DATABASE $name" >/dev/null
  echo "${PG_CS/Database=postgres/Database=$name}"
}
pg_uri() { # PG_CS (Npgsql form) -> libpq URI
  local h p u w
  h=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$PG_CS"); p=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$PG_CS")
  u=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$PG_CS"); w=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$PG_CS")
  echo "postgresql://$u:$w@$h:${p:-5432}/postgres"
}

run_variant() { # label dll args
  local label=$1 dll=$2 args=$3 data base=http://127.0.0.1:8080
  [ "$dll" = - ] && dll=$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll
  data=$(mktemp -d /tmp/rooms-ab-host.XXXXXX)
  local -a extra=()
  # shellcheck disable=SC2206
  [ -n "$args" ] && extra=(${args//@PGDB@/})
  if [[ "$args" == *@PGDB@* ]]; then
    extra+=(--Persistence:Provider PostgreSql --Persistence:ConnectionString "$(fresh_pg)")
  fi
  chat_ab_start_host "$label" "$dll" "$base" --DataDirectory "$data" "${extra[@]}" || return
  local cmd=(--url ws://127.0.0.1:8080/ws --http "$base" --source-addresses 127.0.0.2-101 --server-pid "$server"
    --connections $((rooms * 10)) --rooms "$rooms" --room-prefix lgroom --publishers "$rooms" --rate "$rate"
    --duration "$dur" --ramp-rate 2500 --tokens-file "$out/$label.tokens"
    --setup create --admin "admin:$admin_pw" --create-room-path /api/rooms)
  printf '### %s: Host %s %s\n$ loadgen %s\n' "$label" "$dll" "$args" "${cmd[*]}" | sed -e 's/admin:[^ ]*/admin:<password>/' | tee "$out/$label.cmd"
  # PROBE="SECONDS COMMAND": run COMMAND (with $PID set to the Host's pid) that long into the generator run.
  if [ -n "${PROBE:-}" ]; then (sleep "${PROBE%% *}"; PID=$server bash -c "${PROBE#* }" >"$out/$label.probe.txt" 2>&1) & fi
  dotnet "$lg_dll" "${cmd[@]}" --json "$out/$label.json" --quiet >"$out/$label.txt" 2>"$out/$label.lg.log" || echo "($label: generator exited with $?)"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  printf 'host log lines with locked|timeout|breaker: %s\n' "$(grep -c -i 'database is locked\|TimeoutException\|circuit breaker' "$out/$label.host.log" || true)"
  [ -s "$out/$label.json" ] && jq -r --arg l "$label" '
    "\($l): sent \(.messagesPublished) acked \(.acks) errors \(.errorCodes | tostring) deliveries/s \(.deliveriesPerSecond)" +
    " (expected \(.expectedDeliveries), got \(.deliveries)) latency ms p50 \(.latency.p50 / 1000 | floor)" +
    " p90 \(.latency.p90 / 1000 | floor) p99 \(.latency.p99 / 1000 | floor) max \(.latency.max / 1000 | floor)" +
    " undelivered \(.undeliveredAtEnd) server CPU s \(.server.cpuSeconds)"' "$out/$label.json" | tee -a "$out/summary.txt"
  rm -rf "$data"
}

printf '### machine: %s cores, load %s, %s; raw output in %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%FT%TZ)" "$out"
for r in $(seq 1 "$repeat"); do
  set -- "$@"
  args_list=("$@")
  for ((i = 0; i < ${#args_list[@]}; i += 3)); do
    run_variant "${args_list[i]}-r$r" "${args_list[i + 1]}" "${args_list[i + 2]}"
    printf '    (load %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
echo "### results in $out"; cat "$out/summary.txt"
