#!/usr/bin/env bash
# Scenario (b) of the chat figures — many small standalone rooms (1,000 × 10 members at 1 message/s per room by
# default; 5,000 × 4 at 0.5 msg/s with ROOMS=5000 MEMBERS=4 RATE=0.5) — against several server variants in one
# invocation, alternated round by round, so a change is compared with its baseline on the same (noisy) machine.
# Each run gets a fresh server (pinned to core 0) and a fresh database; with WARMUP_RUN > 0 that server first takes a
# throwaway run of the same load (steady state, as issue 17's table defines it), then the measured run.
#
# Usage: bench/run-rooms-ab.sh LABEL HOST_DLL "EXTRA HOST ARGS" [LABEL HOST_DLL "ARGS"]...
#   HOST_DLL "-" is this checkout's Release build (built first); "node" is the Node.js `ws` reference server
#   (bench/reference-node-ws: no persistence, no auth, rooms made on join; ARGS ignored). With a node variant in the
#   list, every summary line also gives its CPU as a ratio to the node run of the same round.
#   In ARGS, @PGDB@ becomes "--Persistence:Provider PostgreSql --Persistence:ConnectionString <fresh database>"
#   (needs PG_CS, a connection string whose user may CREATE DATABASE, e.g. the last line of .ci/start-postgres.sh).
# The Host's admin listener is PORT+1; the generator reads its stage histograms (communitystream_chat_stage_*,
# communitystream_journal_*) from /metrics over the measured window into LABEL.json (`serverStages`) and the summary.
# Environment: ROOMS (1000), MEMBERS (10 per room), RATE (1 msg/s per room), DURATION (40: measured run, seconds),
#              WARMUP (2: the generator's --warmup), WARMUP_RUN (0: seconds of the throwaway run; 0 = a fresh server),
#              REPEAT (1: rounds of the whole list), PORT (8080), GEN_PROCESSES (1: generator processes), FIGURES_OUT,
#              AB_TIMEOUT (3600 s for the whole script),
#              HOST_ENV ("VAR=value ..." for the Host processes, e.g. DOTNET_PerfMapEnabled=1),
#              PROBE="SECONDS COMMAND" (e.g. "30 dotnet-stack report -p \$PID"; $LABEL names the run) during each measured run.
set -euo pipefail

if [ -z "${ROOMS_AB_GUARD:-}" ]; then
  export ROOMS_AB_GUARD=1
  exec timeout -k 20 "${AB_TIMEOUT:-3600}" "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
# 5,000 × 4 is 20,000 sockets on each side: raise the hard limit where allowed, else take what there is (one process
# then holds somewhat fewer sockets than the hard limit: GEN_PROCESSES splits the generator, not the server).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
out=${FIGURES_OUT:-$(mktemp -d /tmp/rooms-ab.XXXXXX)}
mkdir -p "$out"
rooms=${ROOMS:-1000}; members=${MEMBERS:-10}; dur=${DURATION:-40}; rate=${RATE:-1}; repeat=${REPEAT:-1}
warmup=${WARMUP:-2}; warmup_run=${WARMUP_RUN:-0}; port=${PORT:-8080}; admin_port=$((port + 1))
metrics_key=rooms-ab-metrics-key-0123456789abcdef
[ $# -ge 3 ] && [ $(($# % 3)) = 0 ] || { sed -n '2,21p' "$0"; exit 2; }
# shellcheck source=bench/chat-ab-common.sh
source "$repo/bench/chat-ab-common.sh"
chat_ab_build 3 "$@"
load() { cut -d' ' -f1-3 /proc/loadavg; }

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

start_node() { # label: the reference server, pinned like the Host; sets `server`
  [ -d "$repo/bench/reference-node-ws/node_modules/ws" ] || (cd "$repo/bench/reference-node-ws" && npm install --no-audit --no-fund >/dev/null)
  "${pin[@]}" node "$repo/bench/reference-node-ws/server.js" "$port" >"$out/$1.host.log" 2>&1 &
  server=$!
  wait_ready "http://127.0.0.1:$port" || { echo "$1: node server not ready; see $out/$1.host.log"; kill "$server"; server=; return 1; }
}

generator() { # label seconds auth-args...: one generator run against the running server
  local label=$1 seconds=$2; shift 2
  local cmd=(--url "ws://127.0.0.1:$port/ws" --http "http://127.0.0.1:$port" --source-addresses 127.0.0.2-101 --server-pid "$server"
    --connections $((rooms * members)) --rooms "$rooms" --room-prefix lgroom --publishers "$rooms" --rate "$rate"
    --duration "$seconds" --warmup "$warmup" --ramp-rate 2500 --processes "${GEN_PROCESSES:-1}" "$@")
  printf '$ loadgen %s\n' "${cmd[*]}" | sed -e 's/admin:[^ ]*/admin:<password>/' >>"$out/$label.cmd"
  dotnet "$lg_dll" "${cmd[@]}" --json "$out/$label.json" --quiet >"$out/$label.txt" 2>"$out/$label.lg.log" || echo "($label: generator exited with $?)"
}

run_variant() { # label dll args
  local label=$1 dll=$2 args=$3 data before after
  local -a auth
  [ "$dll" = - ] && dll=$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll
  printf '### %s: server %s %s\n' "$label" "$dll" "$args" >"$out/$label.cmd"
  data=$(mktemp -d /tmp/rooms-ab-host.XXXXXX)
  if [ "$dll" = node ]; then
    start_node "$label" || return
    auth=(--token any)
  else
    local -a extra=()
    # shellcheck disable=SC2206
    [ -n "$args" ] && extra=(${args//@PGDB@/})
    if [[ "$args" == *@PGDB@* ]]; then
      extra+=(--Persistence:Provider PostgreSql --Persistence:ConnectionString "$(fresh_pg)")
    fi
    # A fixed admin port and key: the generator reads the Host's stage histograms from /metrics over the measured window.
    chat_ab_start_host "$label" "$dll" "http://127.0.0.1:$port" --DataDirectory "$data" --Media:UdpPort 0 \
      --Admin:Url "http://127.0.0.1:$admin_port" --Admin:ApiKey "$metrics_key" "${extra[@]}" || return
    auth=(--tokens-file "$out/$label.tokens" --setup create --admin "admin:$admin_pw" --create-room-path /api/rooms
      --server-metrics "http://127.0.0.1:$admin_port/metrics" --server-metrics-key "$metrics_key")
  fi
  if [ "$warmup_run" != 0 ]; then
    generator "$label.warm" "$warmup_run" "${auth[@]}"
  fi
  before=$(load)
  # PROBE="SECONDS COMMAND": run COMMAND (with $PID the server's pid, $LABEL the run's label) that long into the measured run.
  if [ -n "${PROBE:-}" ]; then (sleep "${PROBE%% *}"; PID=$server LABEL=$label bash -c "${PROBE#* }" >"$out/$label.probe.txt" 2>&1) & fi
  generator "$label" "$dur" "${auth[@]}"
  after=$(load)
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ "$dll" = node ] || printf 'host log lines with locked|timeout|breaker: %s\n' "$(grep -c -i 'database is locked\|TimeoutException\|circuit breaker' "$out/$label.host.log" || true)"
  [ -s "$out/$label.json" ] && jq -r --arg l "$label" --arg before "$before" --arg after "$after" '
    "\($l): sent \(.messagesPublished) acked \(.acks) errors \(.errorCodes | tostring) deliveries \(.deliveries)/\(.expectedDeliveries)" +
    " latency ms p50 \(.latency.p50 / 10 | floor / 100) p90 \(.latency.p90 / 10 | floor / 100) p99 \(.latency.p99 / 10 | floor / 100)" +
    " max \(.latency.max / 1000 | floor) undelivered \(.undeliveredAtEnd) server CPU s \(.server.cpuSeconds) load \($before) -> \($after)"' \
    "$out/$label.json" | tee -a "$out/summary.txt"
  # The Host's own stages over the same window (p50 / p99 ms; journal batch sizes in writes), when it has them.
  [ -s "$out/$label.json" ] && jq -r --arg l "$label" '(.serverStages // {}) | to_entries | select(length > 0) |
    "\($l) stages p50/p99: " + (map("\(.key | sub("communitystream_"; "") | sub("_seconds$"; "")) \(.value.p50)/\(.value.p99)") | join(", "))' \
    "$out/$label.json" | tee -a "$out/summary.txt"
  [ -s "$out/$label.json" ] || echo "$label: no result (see $out/$label.lg.log and $out/$label.host.log)" | tee -a "$out/summary.txt"
  rm -rf "$data"
}

cpu_ratios() { # per round: each variant's server CPU over the node variant's
  local node_label=$1 r l n c
  for r in $(seq 1 "$repeat"); do
    n=$(jq -r '.server.cpuSeconds' "$out/$node_label-r$r.json" 2>/dev/null || echo 0)
    for ((i = 0; i < ${#args_list[@]}; i += 3)); do
      l=${args_list[i]}-r$r
      c=$(jq -r '.server.cpuSeconds' "$out/$l.json" 2>/dev/null || echo 0)
      awk -v l="$l" -v c="$c" -v n="$n" 'BEGIN { if (n > 0) printf "%s: server CPU %.2f s = %.2f × node (%.2f s)\n", l, c, c / n, n }'
    done
  done
}

printf '### machine: %s cores, load %s, %s; %s rooms × %s members, %s msg/s per room, %s s measured, warm-up run %s s; raw output in %s\n' \
  "$(nproc)" "$(load)" "$(date -u +%FT%TZ)" "$rooms" "$members" "$rate" "$dur" "$warmup_run" "$out" | tee "$out/summary.txt"
args_list=("$@")
node_label=
for ((i = 0; i < ${#args_list[@]}; i += 3)); do [ "${args_list[i + 1]}" = node ] && node_label=${args_list[i]}; done
for r in $(seq 1 "$repeat"); do
  for ((i = 0; i < ${#args_list[@]}; i += 3)); do
    run_variant "${args_list[i]}-r$r" "${args_list[i + 1]}" "${args_list[i + 2]}" || true # a failed run must not end the series
  done
done
[ -n "$node_label" ] && cpu_ratios "$node_label" | tee -a "$out/summary.txt"
cat "$out/${args_list[0]}-r1.cmd" 2>/dev/null || true
echo "### results in $out"; cat "$out/summary.txt"
