#!/usr/bin/env bash
# Media A/B in one invocation: the same generator command (bench/run-media-smoke.sh, Host pinned to core 0, generator
# to core 1) against several Host builds, alternated round by round (A, B, A, B, ...), so a change is compared with
# its baseline on the same machine within minutes. Each run gets a fresh Host and data directory. The machine's load
# average is recorded before every run (other work on a shared machine moves the figures).
#
# Usage: bench/run-media-ab.sh VIEWERS SECONDS LABEL=HOST_DLL [LABEL=HOST_DLL]... [-- extra generator args]
#   e.g. bench/run-media-ab.sh 600 90 base=/tmp/media-base/src/Host/bin/Release/net10.0/CommunityStream.Host.dll \
#          new=src/Host/bin/Release/net10.0/CommunityStream.Host.dll -- --warmup 20 --ramp-rate 80
# Environment: REPEAT (2: rounds of the whole list), AB_OUT (output directory; default a new /tmp/media-ab.*),
#   PORT (8195: the Hosts' HTTP port), QUIET_LOAD and QUIET_WAIT (on a shared machine: before each run, wait up to
#   QUIET_WAIT seconds, default 0, for the 1-minute load average to fall below QUIET_LOAD, default 1.5).
# The generator is this checkout's bench/CommunityStream.MediaLoad (built by run-media-smoke.sh) for every variant.
# Prints one row per run: variant, round, viewers held, loss in the window (fraction), packets the server's fan-out
# dropped or skipped as stale, server CPU (s/s), delay to the viewers' sockets p50/p99 (ms),
# the server's own forwarding delay p50/p99 over its last 2 s while live (ms), load average before and after the run
# (a 1-minute figure well above 2 after a run says something else ran beside the Host and the generator).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { sed -n '2,18p' "$0"; exit 2; }
viewers=$1; seconds=$2; shift 2
variants=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do variants+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
out=${AB_OUT:-$(mktemp -d /tmp/media-ab.XXXXXX)}; mkdir -p "$out"
repeat=${REPEAT:-2}
rows=$out/rows.tsv
printf 'variant\tround\theld\twindow_loss\tfanout_drops\tcpu_s_per_s\tsocket_p50_ms\tsocket_p99_ms\tread_p50_ms\tread_p99_ms\tserver_p50_ms\tserver_p99_ms\tload_before\tload_after\tstarted_utc\n' >"$rows"

for round in $(seq 1 "$repeat"); do
  for variant in "${variants[@]}"; do
    label=${variant%%=*}; dll=${variant#*=}
    [ -f "$dll" ] || { echo "$label: no Host build at $dll"; exit 1; }
    waited=0
    while [ "$waited" -lt "${QUIET_WAIT:-0}" ] && awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="${QUIET_LOAD:-1.5}" 'BEGIN { exit !(l >= q) }'; do
      sleep 10; waited=$((waited + 10))
    done
    load=$(cut -d' ' -f1-3 /proc/loadavg); started=$(date -u +%FT%TZ)
    log=$out/$label-$round.log
    echo "### $label round $round ($started, load $load)"
    PORT=${PORT:-8195} HOST_DLL=$dll PIN_GENERATOR=1 "$repo/bench/run-media-smoke.sh" "$viewers" "$seconds" "$@" >"$log" 2>&1 || echo "(run-media-smoke.sh exited with $?)"
    after=$(cut -d' ' -f1-3 /proc/loadavg)
    result=$(sed -n 's/^results: //p' "$log" | tail -1)
    stream=$(dirname "${result:-/nonexistent/x}")/stream.json
    if [ -n "$result" ] && [ -f "$result" ]; then
      jq -r --arg v "$label" --arg r "$round" --arg l "$load" --arg a "$after" --arg s "$started" --slurpfile q <( [ -f "$stream" ] && cat "$stream" || echo '{}' ) \
        '[$v, $r, .viewersHeld, .windowLossFraction, ($q[0].quality.fanoutDrops // "n/a"), (.serverCpuSecondsPerSecond // "n/a"), (.socketDelay.p50Us/1000), (.socketDelay.p99Us/1000),
          (.delay.p50Us/1000), (.delay.p99Us/1000), ($q[0].quality.forwardingDelayP50Milliseconds // "n/a"),
          ($q[0].quality.forwardingDelayP99Milliseconds // "n/a"), $l, $a, $s] | @tsv' "$result" >>"$rows"
    else
      printf '%s\t%s\tfailed (see %s)\t\t\t\t\t\t\t\t\t\t%s\t%s\t%s\n' "$label" "$round" "$log" "$load" "$after" "$started" >>"$rows"
    fi
    tail -1 "$rows"
  done
done
echo
column -t -s $'\t' "$rows"
echo "runs and logs: $out"
