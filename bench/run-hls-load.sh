#!/usr/bin/env bash
# LL-HLS load on loopback (issue 18): a Host pinned to core 0, a headless Chromium publisher going live with H.264 +
# Opus over WHIP (pinned to core 1), then bench/CommunityStream.HlsLoad with N clients doing blocking playlist reloads
# and fetching every part: first with no clients (the server's CPU with the publisher alone, the baseline), then N
# clients directly against the Host, then the same N clients through an nginx cache in front of it (on core 0 beside
# the origin the cache leaves nearly idle, as a CDN edge would be another machine; proxy_cache,
# proxy_cache_lock, the cache key with the query so blocking reloads for one part coalesce). Prints every command,
# the generator's tables and the origin requests per part counted from nginx's log. Everything on 127.0.0.1, bounded
# by `timeout`. Take the bench lock for figures: flock /tmp/s24/bench.lock bench/run-hls-load.sh
# Usage: bench/run-hls-load.sh [clients, default 2000] [seconds measured, default 30]
#   HOST_DLL=...      run another build of the Host (default: build src/Host in Release)
#   PORT=8096         the Host's HTTP port          NGINX_PORT=8097  nginx's port
#   HOST_ARGS="..."   extra Host settings           HLS_LOAD_OUT=DIR  output directory (default: a new temp directory)
#   SKIP_DIRECT=1 / SKIP_NGINX=1   leave out one of the two loaded runs
#   GEN_ARGS="--no-parts"          extra generator options for the loaded runs (reloads only: a lighter generator)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
clients=${1:-2000}; seconds=${2:-30}
port=${PORT:-8096}; nginx_port=${NGINX_PORT:-8097}
out=${HLS_LOAD_OUT:-$(mktemp -d /tmp/hls-load.XXXXXX)}; data=$out/data; mkdir -p "$data"
pids=()
cleanup() {
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
say() { printf '\n### %s\n' "$*"; }

nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${SKIP_NGINX:-}" ] && [ ! -x "$nginx_bin" ]; then
  echo "nginx is not installed: apt-get install -y nginx (Debian's package; .ci/run installs it), or SKIP_NGINX=1"; exit 1
fi
[ -x /usr/bin/chromium ] || { echo "the publisher needs /usr/bin/chromium: apt-get install -y chromium"; exit 1; }
pin0=(); pin1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0=(taskset -c 0); pin1=(taskset -c 1); fi

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), fd limit $(ulimit -n), output in $out"
say "build (Release)"
host_dll=${HOST_DLL:-$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll}
[ -z "${HOST_DLL:-}" ] && { dotnet build -c Release --nologo -v q "$repo/src/Host" >"$out/build-host.log" 2>&1 || { tail -20 "$out/build-host.log"; exit 1; }; }
dotnet build -c Release --nologo -v q "$repo/bench/CommunityStream.HlsLoad" >"$out/build-hlsload.log" 2>&1 || { tail -20 "$out/build-hlsload.log"; exit 1; }
gen=$repo/bench/CommunityStream.HlsLoad/bin/Release/net10.0/CommunityStream.HlsLoad.dll

if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz/ready" 2>/dev/null; then echo "port $port already serves a Host; set PORT"; exit 1; fi

say "Host on 127.0.0.1:$port (core 0), admin, streamer channel, stream key"
admin_pw='Hls-Load-Root-2026!'; user_pw='Hls-Load-User-2026!'; channel=hlsstreamer; base=http://127.0.0.1:$port
CS_ADMIN_PASSWORD=$admin_pw dotnet "$host_dll" --create-admin hladmin hladmin@example.test --DataDirectory "$data" >"$out/create-admin.log" 2>&1 || { cat "$out/create-admin.log"; exit 1; }
# All clients come from 127.0.0.1: the public listener's per-address connection limit (Chat:MaxConnectionsPerIp, 200)
# would refuse most of them with 429, as the chat benches' hosts are told too.
read -r -a host_args <<<"--Chat:MaxConnectionsPerIp 20000 ${HOST_ARGS:-}"
echo "\$ ${pin0[*]} dotnet $host_dll --Http:Url $base --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory $data ${host_args[*]}"
"${pin0[@]}" dotnet "$host_dll" --Http:Url "$base" --Admin:Url http://127.0.0.1:0 --Media:UdpPort 0 --Cluster:Port 0 --DataDirectory "$data" "${host_args[@]}" >"$out/host.log" 2>&1 &
host=$!; pids+=("$host")
for _ in $(seq 1 90); do curl -fsS -o /dev/null "$base/healthz/ready" 2>/dev/null && break; sleep 1; done
curl -fsS -o /dev/null "$base/healthz/ready" || { echo "Host not ready"; tail -30 "$out/host.log"; exit 1; }
json() { curl -fsS -H 'content-type: application/json' "$@"; }
login() { json -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/auth/login" | jq -r .accessToken; }
admin=$(login hladmin "$admin_pw")
uid=$(json -d "{\"username\":\"$channel\",\"email\":\"$channel@example.test\",\"password\":\"$user_pw\"}" "$base/api/auth/register" | jq -r .id)
json -X PUT -H "authorization: Bearer $admin" -d '{"roles":["viewer","streamer"]}' "$base/api/users/$uid/roles" >/dev/null
key=$(json -X POST -H "authorization: Bearer $(login "$channel" "$user_pw")" "$base/api/me/stream-key" | jq -r .streamKey)
echo "channel '$channel', Host pid $host"

say "publisher: headless Chromium, H.264 + Opus over WHIP (core 1)"
total=$(( 60 + 3 * (seconds + 20) ))
echo "\$ ${pin1[*]} dotnet $gen publish --server $base --channel $channel --stream-key <key> --duration $total"
"${pin1[@]}" dotnet "$gen" publish --server "$base" --channel "$channel" --stream-key "$key" --duration "$total" >"$out/publisher.log" 2>&1 &
pids+=("$!")
playlist=$base/hls/$channel/index.m3u8
for _ in $(seq 1 60); do curl -fsS "$playlist" 2>/dev/null | grep -q '^#EXT-X-PART:' && break; sleep 1; done
curl -fsS "$playlist" | grep -q '^#EXT-X-PART:' || { echo "no LL-HLS playlist at $playlist"; curl -sS "$base/api/streams/$channel"; echo; cat "$out/publisher.log"; tail -20 "$out/host.log"; exit 1; }
curl -fsS "$base/api/streams/$channel" | jq -c '{live, hls}'
curl -fsS "$playlist" | head -12
sleep 3 # a few segments in the window before anyone measures

run() { # label, extra args...
  local label=$1; shift
  read -r -a gen_args <<<"${GEN_ARGS:-}"
  [ "$label" = baseline ] && gen_args=()
  local args=(--clients "$clients" --duration "$seconds" --ramp 10 --server-pid "$host" --label "$label" --json "$out/$label.json" "${gen_args[@]}" "$@")
  echo "\$ ${pin1[*]} dotnet $gen ${args[*]}   (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout $((seconds + 120)) "${pin1[@]}" dotnet "$gen" "${args[@]}" 2>>"$out/hlsload.log" || echo "(generator exited with $?)"
}

say "baseline: the Host with the publisher and no clients, 10 s"
run baseline --url "$playlist" --clients 0 --duration 10 --ramp 0
baseline=$(jq -r '.serverCpuPercentOfCore // 0' "$out/baseline.json")

if [ -z "${SKIP_DIRECT:-}" ]; then
  say "$clients clients directly against the Host"
  run direct --url "$playlist" --baseline-cpu-percent "$baseline"
fi

if [ -z "${SKIP_NGINX:-}" ]; then
  # nginx stands for a CDN edge (another machine): it gets core 0 beside the origin, which the cache leaves nearly idle,
  # rather than core 1 with the generator and the publisher (the Host's CPU is still counted by its pid alone).
  say "nginx cache in front (127.0.0.1:$nginx_port, core 0 beside the nearly idle origin)"
  mkdir -p "$out/nginx/cache" "$out/nginx/temp" "$out/nginx/logs"
  user_line=""; [ "$(id -u)" = 0 ] && user_line="user root;"
  sed -e "s#@PREFIX@#$out/nginx#g" -e "s#@PORT@#$nginx_port#g" -e "s#@ORIGIN@#127.0.0.1:$port#g" -e "s#@USER@#$user_line#" \
    "$repo/bench/hls-nginx.conf" >"$out/nginx/nginx.conf"
  echo "\$ ${pin0[*]} $nginx_bin -p $out/nginx -c $out/nginx/nginx.conf"
  "$nginx_bin" -t -p "$out/nginx" -c "$out/nginx/nginx.conf" 2>&1 | tail -2
  "${pin0[@]}" "$nginx_bin" -p "$out/nginx" -c "$out/nginx/nginx.conf"
  for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$nginx_port/hls/$channel/index.m3u8" 2>/dev/null && break; sleep 0.5; done
  run nginx --url "http://127.0.0.1:$nginx_port/hls/$channel/index.m3u8" --baseline-cpu-percent "$baseline" --origin-log "$out/nginx/logs/access.log"
  echo "nginx cache statuses over the whole run: $(awk '{print $2}' "$out/nginx/logs/access.log" | sort | uniq -c | tr '\n' ' ')"
fi

say "summary"
for f in "$out"/direct.json "$out"/nginx.json; do
  [ -f "$f" ] && jq -c '{label: .label, clients, readyDelayMs, fanOutSpreadMs, serverCpuPercentOfCore, baselineCpuPercentOfCore, serverCpuPercentPer100Clients, generatorCpuPercentOfCore, errors, originRequestsPerPart, origin}' "$f"
done
echo "publisher: $(tail -1 "$out/publisher.log")"
say "Host log: warnings and errors"
grep -E '(warn|fail|crit|Exception)' "$out/host.log" | head -20 || echo "none"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
