#!/usr/bin/env bash
# Failover bench for issue 13 (cluster resilience): N Host nodes on one fresh PostgreSQL database, 10 rooms × 30
# members and one publisher per room, then node faults; prints a table and one JSON line (bench/README.md, "Failover").
#
# Usage: bench/run-failover.sh [--scenario kill|rolling|partition] [--mode config-discovery|single-seed] [--nodes N] [any other
#        CommunityStream.Failover option, see --help]; partition needs root (network namespaces)
# Environment: CS_FAILOVER_POSTGRES  server connection string (default: the local throwaway server on port 55432)
#              HOST_DLL              run this Host build instead of building src/Host (e.g. another branch's build)
#              FAILOVER_OUT          directory for node logs and result.json (default: a new temp directory)
#              FAILOVER_TIMEOUT      seconds before the whole run is stopped (default 1500)
set -euo pipefail

if [ -z "${FAILOVER_GUARD:-}" ]; then
  export FAILOVER_GUARD=1
  exec timeout -k 30 "${FAILOVER_TIMEOUT:-1500}" "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${FAILOVER_OUT:-$(mktemp -d /tmp/cs-failover.XXXXXX)}
mkdir -p "$out"

if [ -z "${HOST_DLL:-}" ]; then
  dotnet build -c Release "$repo/src/Host" -v quiet -nologo >"$out/build-host.log" 2>&1 || { cat "$out/build-host.log"; exit 1; }
fi
host_dll=${HOST_DLL:-$repo/src/Host/bin/Release/net10.0/CommunityStream.Host.dll}
dotnet build -c Release "$repo/bench/CommunityStream.Failover" -v quiet -nologo >"$out/build-bench.log" 2>&1 || { cat "$out/build-bench.log"; exit 1; }

echo "### $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), Host $host_dll, commit $(git -C "$repo" rev-parse --short HEAD)"
echo "### bench/run-failover.sh $*"
echo "### raw output (node logs, CSVs, result.json) in $out"
dotnet "$repo/bench/CommunityStream.Failover/bin/Release/net10.0/CommunityStream.Failover.dll" \
  --host-dll "$host_dll" --out "$out" "$@" 2> >(tee "$out/bench.log" >&2) | tee "$out/result.txt"
