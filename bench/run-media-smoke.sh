#!/usr/bin/env bash
# End-to-end media smoke/figures on loopback: start a Host (pinned to core 0), create an admin, a streamer channel
# and its stream key, then run bench/CommunityStream.MediaLoad (1 WHIP publisher + N WHEP viewers) against it with
# --server-pid, printing every command and the generator's table. Bounded by `timeout`; everything on 127.0.0.1.
# Usage: bench/run-media-smoke.sh [viewers, default 50] [seconds, default 20] [extra generator args...]
#   HOST_DLL=...  run another build of the Host (default: build src/Host in Release)
#   PORT=8095     HTTP port of the Host     PIN_GENERATOR=1  pin the generator to core 1
#   HOST_ARGS="--Media:UdpSegmentation false"   extra Host settings (A/B runs)
#   LIMITS=1      also run ../shared/limits/run first (raw sendto/sendmmsg ceilings, for stating figures as a fraction)
#                 and bench/kernel-ceiling/udpfan.c (sendmmsg to N sockets another core really reads: the floor of our path)
#   MEDIA_SMOKE_OUT=DIR  a new or empty directory for logs, the Host data and result.json (default: a new temp directory; printed)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
viewers=${1:-50}; seconds=${2:-20}; shift $(( $# > 2 ? 2 : $# ))
port=${PORT:-8095}
out=${MEDIA_SMOKE_OUT:-$(mktemp -d /tmp/media-smoke.XXXXXX)}; data=$out/data; mkdir -p "$data"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
say() { printf '\n### %s\n' "$*"; }

pin_server=(); pin_gen=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0)
  [ "${PIN_GENERATOR:-0}" = 1 ] && pin_gen=(taskset -c 1)
fi

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), output in $out"
if [ "${LIMITS:-0}" = 1 ]; then
  say "raw ceilings (../shared/limits/run)"
  limits=$repo/../shared/limits/run; [ -x "$limits" ] || limits=/work/shared/limits/run
  "$limits" 1000 2
  say "fan-out kernel ceiling with live receivers (bench/kernel-ceiling/udpfan.c, $viewers sockets read on core 1)"
  gcc -O2 -Wall -o "$out/udpfan" "$repo/bench/kernel-ceiling/udpfan.c"
  "${pin_server[@]}" "$out/udpfan" "$viewers" 3 1
  echo "same, each socket's datagrams sent 3 at a time as one UDP GSO message:"
  "${pin_server[@]}" "$out/udpfan" "$viewers" 3 1 3
fi

say "build (Release)"
host_dll=${HOST_DLL:-$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll}
[ -z "${HOST_DLL:-}" ] && { dotnet build -c Release --nologo -v q "$repo/src/Host" >"$out/build-host.log" 2>&1 || { tail -20 "$out/build-host.log"; exit 1; }; }
dotnet build -c Release --nologo -v q "$repo/bench/CommunityStream.MediaLoad" >"$out/build-mediaload.log" 2>&1 || { tail -20 "$out/build-mediaload.log"; exit 1; }
ml_dll=$repo/bench/CommunityStream.MediaLoad/bin/Release/net10.0/CommunityStream.MediaLoad.dll

# A Host still running from another invocation would answer instead of ours (or ours would fail to bind).
if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz/ready" 2>/dev/null; then
  echo "port $port already serves a Host; stop it or set PORT"; exit 1
fi

say "Host: admin, start on 127.0.0.1:$port (media UDP port chosen by the OS), streamer channel, stream key"
admin_pw='Media-Smoke-Root-2026!'; user_pw='Media-Smoke-User-2026!'; channel=mlstreamer; base=http://127.0.0.1:$port
CS_ADMIN_PASSWORD=$admin_pw dotnet "$host_dll" --create-admin mladmin mladmin@example.test --DataDirectory "$data" >"$out/create-admin.log" 2>&1 || { cat "$out/create-admin.log"; exit 1; }
read -r -a host_args <<<"${HOST_ARGS:-}"
echo "\$ ${pin_server[*]} dotnet $host_dll --Http:Url $base --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory $data ${host_args[*]}"
"${pin_server[@]}" dotnet "$host_dll" --Http:Url "$base" --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory "$data" "${host_args[@]}" >"$out/host.log" 2>&1 &
host=$!; pids+=("$host")
for _ in $(seq 1 90); do curl -fsS -o /dev/null "$base/healthz/ready" 2>/dev/null && break; sleep 1; done
curl -fsS -o /dev/null "$base/healthz/ready" || { echo "Host not ready"; tail -30 "$out/host.log"; exit 1; }
json() { curl -fsS -H 'content-type: application/json' "$@"; }
login() { json -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/auth/login" | jq -r .accessToken; }
admin=$(login mladmin "$admin_pw")
uid=$(json -d "{\"username\":\"$channel\",\"email\":\"$channel@example.test\",\"password\":\"$user_pw\"}" "$base/api/auth/register" | jq -r .id)
json -X PUT -H "authorization: Bearer $admin" -d '{"roles":["viewer","streamer"]}' "$base/api/users/$uid/roles" >/dev/null
key=$(json -X POST -H "authorization: Bearer $(login "$channel" "$user_pw")" "$base/api/me/stream-key" | jq -r .streamKey)
echo "channel '$channel' (user $uid), stream key issued; Host pid $host"

say "generator: 1 publisher + $viewers viewers, $seconds s"
args=(--server "$base" --channel "$channel" --viewers "$viewers" --duration "$seconds" --server-pid "$host" --json "$out/result.json" "$@")
echo "\$ ${pin_gen[*]} dotnet $ml_dll --stream-key <key> ${args[*]}"
# The stream's own view of its fan-out, kept from the last poll before the publisher leaves.
( while sleep 5; do curl -fsS "$base/api/streams/$channel" -o "$out/stream.tmp" 2>/dev/null && jq -e .live "$out/stream.tmp" >/dev/null && mv "$out/stream.tmp" "$out/stream.json"; done ) &
pids+=("$!")
timeout $((seconds + 60)) "${pin_gen[@]}" dotnet "$ml_dll" --stream-key "$key" "${args[@]}" 2> >(tee "$out/mediaload.log" >&2) || echo "(generator exited with $?)"
say "the server's fan-out (GET /api/streams/$channel, last poll while live)"
jq -c '.quality // .' "$out/stream.json" 2>/dev/null || echo "no poll landed"
say "Host log: warnings and errors"
grep -E '(warn|fail|crit|Exception)' "$out/host.log" | head -20 || echo "none"
echo "results: $out/result.json"
