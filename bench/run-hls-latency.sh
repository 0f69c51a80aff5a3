#!/usr/bin/env bash
# LL-HLS latency proofs on loopback (issue 18), one Host pinned to core 0 with Media:Hls:PartReadyHeader on:
#  1. Blocking reload: bench/CommunityStream.HlsLoad with ONE client that never fetches parts (--clients 1
#     --no-parts), so each reload asks for the part after the last listed before it exists; its readiness delay is
#     (response fully read, client's wall clock) minus X-Part-Ready (the server's wall clock when its window took that
#     part; same machine, CLOCK_REALTIME, whole milliseconds). Publisher: headless Chromium, fake camera, H.264 + Opus.
#  2. Glass-to-glass: bench/CommunityStream.HlsLatency, an on-frame timecode (Date.now()) drawn by a Chromium canvas
#     publisher (H.264 over WHIP), read on every presented frame by a viewer page on our HLS player (PART-HOLD-BACK
#     behind live) and, at the same time in the same browser, one on our WHEP player for reference.
# Everything on 127.0.0.1, bounded by `timeout`. Take the bench lock: flock /tmp/s24/bench.lock bench/run-hls-latency.sh
# Usage: bench/run-hls-latency.sh [reload seconds, default 70] [latency seconds, default 60]
#   PORT=8098  HOST_DLL=...  HOST_ARGS="..."  HLS_LATENCY_OUT=DIR   SKIP_RELOAD=1 / SKIP_LATENCY=1
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reload_seconds=${1:-70}; latency_seconds=${2:-60}
port=${PORT:-8098}
out=${HLS_LATENCY_OUT:-$(mktemp -d /tmp/hls-latency.XXXXXX)}; data=$out/data; mkdir -p "$data"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
say() { printf '\n### %s\n' "$*"; }
[ -x /usr/bin/chromium ] || { echo "needs /usr/bin/chromium: apt-get install -y chromium"; exit 1; }
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), output in $out"
say "build (Release)"
host_dll=${HOST_DLL:-$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll}
[ -z "${HOST_DLL:-}" ] && { dotnet build -c Release --nologo -v q "$repo/src/Host" >"$out/build-host.log" 2>&1 || { tail -20 "$out/build-host.log"; exit 1; }; }
for p in HlsLoad HlsLatency; do
  dotnet build -c Release --nologo -v q "$repo/bench/CommunityStream.$p" >"$out/build-$p.log" 2>&1 || { tail -20 "$out/build-$p.log"; exit 1; }
done
gen=$repo/bench/CommunityStream.HlsLoad/bin/Release/net10.0/CommunityStream.HlsLoad.dll
lat=$repo/bench/CommunityStream.HlsLatency/bin/Release/net10.0/CommunityStream.HlsLatency.dll
if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz/ready" 2>/dev/null; then echo "port $port already serves a Host; set PORT"; exit 1; fi

say "Host on 127.0.0.1:$port (core 0), X-Part-Ready on"
admin_pw='Hls-Latency-Root-2026!'; user_pw='Hls-Latency-User-2026!'; base=http://127.0.0.1:$port
CS_ADMIN_PASSWORD=$admin_pw dotnet "$host_dll" --create-admin latadmin latadmin@example.test --DataDirectory "$data" >"$out/create-admin.log" 2>&1 || { cat "$out/create-admin.log"; exit 1; }
read -r -a host_args <<<"--Media:Hls:PartReadyHeader true ${HOST_ARGS:-}"
echo "\$ ${pin0[*]} dotnet $host_dll --Http:Url $base --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory $data ${host_args[*]}"
"${pin0[@]}" dotnet "$host_dll" --Http:Url "$base" --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory "$data" "${host_args[@]}" >"$out/host.log" 2>&1 &
host=$!; pids+=("$host")
for _ in $(seq 1 90); do curl -fsS -o /dev/null "$base/healthz/ready" 2>/dev/null && break; sleep 1; done
curl -fsS -o /dev/null "$base/healthz/ready" || { echo "Host not ready"; tail -30 "$out/host.log"; exit 1; }
json() { curl -fsS -H 'content-type: application/json' "$@"; }
login() { json -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/auth/login" | jq -r .accessToken; }
admin=$(login latadmin "$admin_pw")
streamer() { # name -> prints the stream key of a new user with the streamer role
  local uid
  uid=$(json -d "{\"username\":\"$1\",\"email\":\"$1@example.test\",\"password\":\"$user_pw\"}" "$base/api/auth/register" | jq -r .id)
  json -X PUT -H "authorization: Bearer $admin" -d '{"roles":["viewer","streamer"]}' "$base/api/users/$uid/roles" >/dev/null
  json -X POST -H "authorization: Bearer $(login "$1" "$user_pw")" "$base/api/me/stream-key" | jq -r .streamKey
}
echo "Host pid $host"

if [ -z "${SKIP_RELOAD:-}" ]; then
  channel=reloadprobe; key=$(streamer $channel)
  say "1. blocking reload: Chromium publisher (fake camera, H.264 + Opus, core 1), one client asking for the next part"
  echo "\$ ${pin1[*]} dotnet $gen publish --server $base --channel $channel --stream-key <key> --duration $((reload_seconds + 60))"
  "${pin1[@]}" dotnet "$gen" publish --server "$base" --channel "$channel" --stream-key "$key" --duration $((reload_seconds + 60)) >"$out/reload-publisher.log" 2>&1 &
  pub=$!; pids+=("$pub")
  playlist=$base/hls/$channel/index.m3u8
  for _ in $(seq 1 60); do curl -fsS "$playlist" 2>/dev/null | grep -q '^#EXT-X-PART:' && break; sleep 1; done
  curl -fsS "$playlist" | grep -q '^#EXT-X-PART:' || { echo "no LL-HLS playlist at $playlist"; cat "$out/reload-publisher.log"; tail -20 "$out/host.log"; exit 1; }
  sleep 3
  curl -fsS -D - -o /dev/null "$playlist?_HLS_msn=$(curl -fsS "$playlist" | awk -F: '/^#EXT-X-MEDIA-SEQUENCE/{print $2}')&_HLS_part=0" | grep -i '^x-part-ready' || echo "(no X-Part-Ready header: is Media:Hls:PartReadyHeader on?)"
  args=(--url "$playlist" --clients 1 --no-parts --ramp 0 --duration "$reload_seconds" --server-pid "$host" --label reload --json "$out/reload.json")
  echo "\$ ${pin1[*]} dotnet $gen ${args[*]}   (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout $((reload_seconds + 90)) "${pin1[@]}" dotnet "$gen" "${args[@]}" 2>>"$out/hlsload.log" || echo "(generator exited with $?)"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  jq -c '{label: .label, readySource, readyDelayMs, reloads, emptyReloads, errors, serverCpuPercentOfCore}' "$out/reload.json"
  echo "publisher: $(tail -1 "$out/reload-publisher.log")"
  kill "$pub" 2>/dev/null || true; wait "$pub" 2>/dev/null || true
fi

if [ -z "${SKIP_LATENCY:-}" ]; then
  channel=latencyprobe; key=$(streamer $channel)
  say "2. glass-to-glass by on-frame timecode: Chromium canvas publisher + LL-HLS viewer + WHEP viewer (one Chromium, core 1)"
  args=(--server "$base/" --channel "$channel" --stream-key "<key>" --duration "$latency_seconds" --warmup 15 --json "$out/latency.json")
  echo "\$ ${pin1[*]} dotnet $lat ${args[*]}   (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  args[5]=$key
  timeout $((latency_seconds + 180)) "${pin1[@]}" dotnet "$lat" "${args[@]}" 2>"$out/hlslatency.log" || { echo "(latency bench exited with $?)"; tail -30 "$out/hlslatency.log"; }
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E 'publisher|page:' "$out/hlslatency.log" | tail -4
fi

say "Host log: warnings and errors"
grep -E '(warn|fail|crit|Exception)' "$out/host.log" | head -20 || echo "none"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
