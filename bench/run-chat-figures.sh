#!/usr/bin/env bash
# Chat figures for issue 3, each printed with the command that produced it and the machine's raw ceiling
# measured in the same invocation (../shared/limits/run):
#   (a) one room of 5,000 and of 10,000 connections at 10 messages/s;
#   (b) 1,000 rooms × 10 members;
#   (c) idle connections held by one Host process (19,000; memory per connection);
#   (c') with --cluster: 100,000 idle connections across a six-Host local cluster (heavy, opt-in).
# Everything binds to loopback. The whole script is capped at ~15 minutes (CHAT_FIGURES_TIMEOUT seconds).
#
# Usage: bench/run-chat-figures.sh [--cluster] [--cluster-only] [--quick] [--target host|node] [--only a1,a2,b,c]
#   --target node   run the same scenarios against the reference Node.js `ws` server (bench/reference-node-ws)
#   --quick         small sizes and short durations (a smoke run of the script itself)
#   --only LIST     run only these scenarios: a1 (one room, 5,000), a2 (one room, 10,000), b (1,000 rooms), c (idle)
# Environment: CHAT_HOST_ARGS   extra Host arguments (chat limits, e.g. per-IP connections, per-user rate)
#              CREATE_ROOM_PATH admin endpoint creating a standalone room for (b) (default /api/rooms)
#              HOST_DLL         run this Host build instead of building src/Host (e.g. another branch's build)
#              PIN_GENERATOR=1  pin the generator to core 1 (the server is always on core 0 when taskset exists)
#              DURATION, WARMUP scenario length and the generator's --warmup in seconds (default 40 and 2): a longer
#                               warm-up keeps the Host's start (JIT tier-up) out of the latency figures
#              HOST_ENV         environment for the Host only, e.g. HOST_ENV="DOTNET_TieredCompilation=0"
#              FIGURES_OUT      directory for logs and JSON results (default: a new temp directory)
set -euo pipefail

if [ -z "${CHAT_FIGURES_GUARD:-}" ]; then
  export CHAT_FIGURES_GUARD=1
  exec timeout -k 20 "${CHAT_FIGURES_TIMEOUT:-900}" "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
cluster=0; cluster_only=0; quick=0; target=host; only=a1,a2,b,c
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster=1 ;;
    --cluster-only) cluster=1; cluster_only=1 ;;
    --quick) quick=1 ;;
    --target) target=$2; shift ;;
    --only) only=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

ulimit -n "$(ulimit -Hn)"
port=${CHAT_FIGURES_PORT:-8080} # the single-server scenarios' HTTP port (another worktree may run the script too)
out=${FIGURES_OUT:-$(mktemp -d /tmp/chat-figures.XXXXXX)}
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

host_dll=${HOST_DLL:-$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll}
lg_dll=$repo/bench/CommunityStream.LoadGen/bin/Release/net10.0/CommunityStream.LoadGen.dll
admin_pw='Bench-Root-Password-2026!'
user_pw='LoadGen-Password-2026!'
# 100 loopback source addresses: past the ~28k ephemeral ports of one address, and under a per-IP limit of 200.
src=127.0.0.2-101
# The server is pinned to core 0. The generator is not pinned unless PIN_GENERATOR=1 (then core 1): pinned to one
# core, .NET sizes its thread pool for one CPU and the measured tails grew (see bench/README.md).
pin_server=(); pin_gen=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0)
  [ "${PIN_GENERATOR:-0}" = 1 ] && pin_gen=(taskset -c 1)
fi
host_args=(--Identity:Throttle:RegisterAttemptsPerMinute 10000 --Identity:Throttle:IpAttemptsPerMinute 10000
           --Identity:Jwt:AccessTokenMinutes 120)
# Chat limits made roomy for load (per-IP sockets, per-user rate, no history on join); CHAT_HOST_ARGS replaces them.
# shellcheck disable=SC2206
extra_host_args=(${CHAT_HOST_ARGS:---Chat:MaxConnectionsPerIp 20000 --Chat:RateLimitMessages 100000 --Chat:HistoryOnJoin 0})

say() { printf '\n### %s\n' "$*"; }
wanted() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

say "machine: $(nproc) cores, fd limit $(ulimit -n), $(uname -r), $(date -u +%FT%TZ); raw output in $out"
say "raw ceilings (../shared/limits/run)"
limits=$repo/../shared/limits/run; [ -x "$limits" ] || limits=/work/shared/limits/run
"$limits" | tee "$out/limits.txt"
ceiling=$(awk '/^writer N=/{print $3}' "$out/limits.txt" | head -1)
ceiling=${ceiling:-0}

say "build (Release)"
dotnet build -c Release --nologo -v q "$repo/bench/CommunityStream.LoadGen" >"$out/build-loadgen.log" 2>&1 || { cat "$out/build-loadgen.log"; exit 1; }
[ "$target" = host ] && [ -z "${HOST_DLL:-}" ] && { dotnet build -c Release --nologo -v q "$repo/src/Host" >"$out/build-host.log" 2>&1 || { cat "$out/build-host.log"; exit 1; }; }

wait_ready() { # url seconds
  for _ in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1/healthz/ready" 2>/dev/null && return 0; sleep 1; done
  echo "not ready: $1" >&2; return 1
}

start_host() { # http-port cluster-port data-dir [args...]; prints the pid
  local port=$1 cport=$2 dir=$3; shift 3
  env ${HOST_ENV:-} "${pin_server[@]}" dotnet "$host_dll" --DataDirectory "$dir" --Http:Url "http://127.0.0.1:$port" --Admin:Url http://127.0.0.1:0 --Cluster:Port "$cport" \
    "${host_args[@]}" "${extra_host_args[@]}" "$@" >"$out/host-$port.log" 2>&1 &
  echo $!
}

login() { # http-base user password source-address -> token
  curl -fsS --interface "$4" -H 'content-type: application/json' -d "{\"login\":\"$2\",\"password\":\"$3\"}" "$1/api/auth/login" | jq -r .accessToken
}

register() { # http-base user password source-address -> user json (or nothing if it exists)
  curl -sS --interface "$4" -H 'content-type: application/json' \
    -d "{\"username\":\"$2\",\"email\":\"$2@loadgen.test\",\"password\":\"$3\"}" "$1/api/auth/register" || true
}

loadgen() { # name args... : runs the generator on its own core, prints the command and the result table
  local name=$1; shift
  printf '$ loadgen %s\n' "$*" | sed -e 's/--token [^ ]*/--token <jwt>/' | tee "$out/$name.cmd"
  "${pin_gen[@]}" dotnet "$lg_dll" "$@" --json "$out/$name.json" --quiet 2>"$out/$name.log" || echo "($name: generator exited with $?; see $out/$name.log)"
  if [ -s "$out/$name.json" ] && [ "$ceiling" != 0 ]; then
    jq -r --argjson c "$ceiling" '"  deliveries/s vs raw ceiling         \(.deliveriesPerSecond) / \($c) = \((.deliveriesPerSecond * 1000 / $c | floor) / 10) %"' "$out/$name.json"
  fi
}

# Scenario sizes and durations (seconds); --quick shrinks them.
if [ $quick = 1 ]; then a1=500; a2=1000; brooms=50; idle=2000; dur=15; cluster_conns=6000
else a1=5000; a2=10000; brooms=1000; idle=19000; dur=40; cluster_conns=100002; fi
dur=${DURATION:-$dur}

if [ "$target" = node ]; then
  say "target: reference Node.js ws server (bench/reference-node-ws), single process, pinned like the Host"
  [ -d "$repo/bench/reference-node-ws/node_modules/ws" ] || (cd "$repo/bench/reference-node-ws" && npm install --no-audit --no-fund >/dev/null)
  "${pin_server[@]}" node "$repo/bench/reference-node-ws/server.js" "$port" >"$out/node.log" 2>&1 &
  server=$!; pids+=("$server")
  wait_ready http://127.0.0.1:$port 30
  auth=(--token any); room=benchstreamer; room_setup=()
elif [ $cluster_only = 0 ]; then
  data=$(mktemp -d /tmp/chat-figures-host.XXXXXX)
  say "Host: create admin, start (pinned to core 0), streamer channel and users"
  printf '%s\n' "$admin_pw" | dotnet "$host_dll" --create-admin admin admin@example.test --DataDirectory "$data" >"$out/create-admin.log" 2>&1  || { cat "$out/create-admin.log"; exit 1; }
  server=$(start_host "$port" 0 "$data"); pids+=("$server")
  wait_ready http://127.0.0.1:$port 90
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' http://127.0.0.1:$port/ws || true)
  if [ "$code" != 101 ]; then
    echo "GET /ws answered '$code', not 101: this Host has no chat endpoint yet, so there is nothing to measure. Stopping."
    exit 0
  fi
  admin_token=$(login http://127.0.0.1:$port admin "$admin_pw" 127.0.0.1)
  room=benchstreamer
  streamer_id=$(register http://127.0.0.1:$port "$room" "$user_pw" 127.0.0.1 | jq -r '.id // empty')
  [ -n "$streamer_id" ] || streamer_id=$(curl -fsS -H "authorization: Bearer $(login http://127.0.0.1:$port "$room" "$user_pw" 127.0.0.1)" http://127.0.0.1:$port/api/me | jq -r .id)
  curl -fsS -X PUT -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d '{"roles":["viewer","streamer"]}' "http://127.0.0.1:$port/api/users/$streamer_id/roles" >/dev/null
  echo "channel '$room' owned by streamer $streamer_id"
  # 20 publishing users (a login costs ~0.2 s of server CPU: log in once, share tokens across connections).
  : >"$out/tokens"
  for i in $(seq 0 19); do
    register http://127.0.0.1:$port "lguser$i" "$user_pw" "127.0.0.$((i + 2))" >/dev/null
    login http://127.0.0.1:$port "lguser$i" "$user_pw" "127.0.0.$((i + 2))" >>"$out/tokens"
  done
  auth=(--tokens-file "$out/tokens")
  room_setup=(--setup create --admin "admin:$admin_pw" --create-room-path "${CREATE_ROOM_PATH:-/api/rooms}")
fi

common=(--url ws://127.0.0.1:$port/ws --http http://127.0.0.1:$port --source-addresses "$src" --server-pid "${server:-0}" --warmup "${WARMUP:-2}")
if [ $cluster_only = 0 ]; then
  if wanted a1; then
    say "(a) one room, $a1 connections, 10 msg/s"
    loadgen a-$a1 "${common[@]}" --connections $a1 --rooms 1 --room-names $room --publishers 10 --rate 10 \
      --duration $dur --ramp-rate 2500 "${auth[@]}"
  fi
  if wanted a2; then
    say "(a) one room, $a2 connections, 10 msg/s"
    loadgen a-$a2 "${common[@]}" --connections $a2 --rooms 1 --room-names $room --publishers 10 --rate 10 \
      --duration $((dur + 10)) --ramp-rate 2500 "${auth[@]}"
  fi
  if wanted b; then
    say "(b) $brooms rooms × 10 members, 1 msg/s per room"
    loadgen b-$brooms "${common[@]}" --connections $((brooms * 10)) --rooms $brooms --room-prefix lgroom --publishers $brooms \
      --rate 1 --duration $dur --ramp-rate 2500 "${auth[@]}" "${room_setup[@]}"
  fi
  if wanted c && [ "$target" = host ] && [ "$only" != c ]; then # a fresh Host, so the baseline is not the heap left by (a) and (b)
      kill "$server"; wait_gone=0; while kill -0 "$server" 2>/dev/null && [ $wait_gone -lt 30 ]; do sleep 1; wait_gone=$((wait_gone + 1)); done
      server=$(start_host "$port" 0 "$data"); pids+=("$server"); wait_ready http://127.0.0.1:$port 90
      common=(--url ws://127.0.0.1:$port/ws --http http://127.0.0.1:$port --source-addresses "$src" --server-pid "$server")
  fi
  if wanted c; then
    say "(c) $idle idle connections held by one server process (generator split in 2 processes for fds)"
    loadgen c-$idle "${common[@]}" --connections $idle --idle --processes 2 --duration $((dur + 5)) --ramp-rate 3000
  fi
  kill "$server" 2>/dev/null || true
fi

if [ $cluster = 1 ] && [ "$target" = host ]; then
  say "(c') $cluster_conns idle connections across a six-Host local cluster (one shared SQLite database)"
  cdata=$(mktemp -d /tmp/chat-figures-cluster.XXXXXX)
  key=$(head -c 48 /dev/urandom | base64 -w0)
  shared=(--Persistence:ConnectionString "Data Source=$cdata/shared.db" --Identity:Jwt:SigningKey "$key")
  pin_server=() # six nodes share both cores
  cpids=()
  for n in 1 2 3 4 5 6; do
    mkdir -p "$cdata/node$n"
    seeds=(); [ $n = 1 ] || seeds=(--Cluster:SeedNodes:0 akka.tcp://communitystream@127.0.0.1:4101)
    # Each node its own media port (0: any free one), or the second node fails to bind 40000.
    pid=$(start_host $((8080 + n)) $((4100 + n)) "$cdata/node$n" "${shared[@]}" "${seeds[@]}" --Media:UdpPort 0)
    cpids+=("$pid"); pids+=("$pid")
    [ $n = 1 ] && wait_ready http://127.0.0.1:8081 90
  done
  for n in 2 3 4 5 6; do wait_ready http://127.0.0.1:$((8080 + n)) 120; done
  # Six Hosts on two cores accept roughly 800–1,000 connections/s together: the ramp gets 60 % of the duration.
  per=$((cluster_conns / 6)); files=(); cdur=$([ $quick = 1 ] && echo 40 || echo 240)
  for n in 1 2 3 4 5 6; do
    printf '$ loadgen --url ws://127.0.0.1:%s/ws --connections %s --idle --source-addresses %s --server-pid %s --duration %s --ramp-rate 1200\n' \
      $((8080 + n)) $per "$src" "${cpids[$((n - 1))]}" $cdur | tee -a "$out/cluster.cmd"
    dotnet "$lg_dll" --url "ws://127.0.0.1:$((8080 + n))/ws" --connections $per --idle --source-addresses "$src" \
      --server-pid "${cpids[$((n - 1))]}" --duration $cdur --ramp-rate 1200 --json "$out/cluster-$n.json" --quiet >"$out/cluster-$n.txt" 2>"$out/cluster-$n.log" &
    files+=("$out/cluster-$n.json")
  done
  wait_gen=0; for job in $(jobs -p); do case " ${pids[*]} " in *" $job "*) ;; *) wait "$job" || wait_gen=$? ;; esac; done
  [ $wait_gen = 0 ] || echo "(a cluster generator exited with $wait_gen)"
  dotnet "$lg_dll" --merge "$(IFS=,; echo "${files[*]}")" --json "$out/cluster.json"
fi

say "done: results and logs in $out (raw ceiling: $ceiling single-message deliveries/s, one core writing)"
