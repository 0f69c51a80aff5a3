# Shared by the chat A/B scripts (run-rooms-ab.sh, run-one-room-ab.sh): sourced after they set `repo` and `out`.
# Builds the generator (and this checkout's Host when a variant names it "-"), pins the Host to core 0 where there
# are two cores, and gives the helpers every run needs. The caller sets `server` to the Host's pid; it is killed on exit.
# Usage: chat_ab_build STRIDE ARGS... (STRIDE: words per variant in ARGS, the Host dll being the second of each).

lg_dll=$repo/bench/CommunityStream.LoadGen/bin/Release/net10.0/CommunityStream.LoadGen.dll
admin_pw='Bench-Root-Password-2026!'
user_pw='LoadGen-Password-2026!'
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; true; }
trap cleanup EXIT

pin=(); command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && pin=(taskset -c 0)

chat_ab_build() { # stride variant-words...
  local stride=$1 dll; shift
  dotnet build -c Release --nologo -v q "$repo/bench/CommunityStream.LoadGen" >"$out/build-loadgen.log" 2>&1 || { cat "$out/build-loadgen.log"; exit 1; }
  for dll in $(printf '%s\n' "$@" | awk -v s="$stride" 'NR % s == 2 % s'); do
    if [ "$dll" = - ]; then
      dotnet build -c Release --nologo -v q "$repo/src/Host" >"$out/build-host.log" 2>&1 || { cat "$out/build-host.log"; exit 1; }
      break
    fi
  done
}

wait_ready() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1/healthz/ready" 2>/dev/null && return 0; sleep 1; done; return 1; }
login() { curl -fsS --interface "$4" -H 'content-type: application/json' -d "{\"login\":\"$2\",\"password\":\"$3\"}" "$1/api/auth/login" | jq -r .accessToken; }
register() { curl -sS --interface "$4" -H 'content-type: application/json' \
  -d "{\"username\":\"$2\",\"email\":\"$2@loadgen.test\",\"password\":\"$3\"}" "$1/api/auth/register" >/dev/null || true; }

# Starts a fresh Host for one run: the admin account, the Host pinned, readiness, and 20 users' tokens in
# $out/LABEL.tokens. Sets `server`; returns 1 (after saying why) when the Host never gets ready.
chat_ab_start_host() { # label dll base host-args...
  local label=$1 dll=$2 base=$3 i; shift 3
  local common=(--Http:Url "$base" --Admin:Url http://127.0.0.1:0 --Cluster:Port 0
    --Identity:Throttle:RegisterAttemptsPerMinute 10000 --Identity:Throttle:IpAttemptsPerMinute 10000
    --Identity:Jwt:AccessTokenMinutes 120
    --Chat:MaxConnectionsPerIp 20000 --Chat:RateLimitMessages 100000 --Chat:HistoryOnJoin 0 "$@")
  printf '%s\n' "$admin_pw" | dotnet "$dll" --create-admin admin admin@example.test "${common[@]}" >"$out/$label.create-admin.log" 2>&1
  # shellcheck disable=SC2086 # HOST_ENV: "VAR=value ..." words for the Host (env execs, so $! stays the Host)
  env ${HOST_ENV:-} "${pin[@]}" dotnet "$dll" "${common[@]}" >"$out/$label.host.log" 2>&1 &
  server=$!
  wait_ready "$base" || { echo "$label: Host not ready; see $out/$label.host.log"; kill "$server"; server=; return 1; }
  : >"$out/$label.tokens"
  for i in $(seq 0 19); do
    register "$base" "lguser$i" "$user_pw" "127.0.0.$((i + 2))"
    login "$base" "lguser$i" "$user_pw" "127.0.0.$((i + 2))" >>"$out/$label.tokens"
  done
}
