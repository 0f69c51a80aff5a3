using System.Collections.Concurrent;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Telemetry;

/// <summary>
/// Node totals of every WebRTC transport's own counters (packets and bytes each way, SRTP authentication failures),
/// summed when the meter is collected: the packet path keeps counting only in its transport, as it did, and pays
/// nothing for the metrics. A transport's final counts are folded into the retired totals when it closes, so the sums
/// never go down and a closed session is not kept alive by this set (nobody may ever scrape).
/// </summary>
internal sealed class TransportTotals
{
    private readonly ConcurrentDictionary<WebRtcTransport, byte> _live = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private Totals _retired;

    /// <summary>A snapshot of the sums.</summary>
    public readonly record struct Totals(long PacketsReceived, long BytesReceived, long PacketsSent, long BytesSent, long Rejected)
    {
        public Totals Add(WebRtcTransport t) =>
            new(PacketsReceived + t.PacketsReceived, BytesReceived + t.BytesReceived, PacketsSent + t.PacketsSent, BytesSent + t.BytesSent, Rejected + t.PacketsRejected);
    }

    /// <summary>Transports counted live now (closed ones have been retired).</summary>
    public int LiveCount => _live.Count;

    public void Track(WebRtcTransport transport)
    {
        _live.TryAdd(transport, 0);
        transport.Closed += (closed, _) => Retire(closed);
        if (transport.IsClosed)
        {
            Retire(transport);
        }
    }

    /// <summary>The totals now: retired plus live transports.</summary>
    public Totals Read()
    {
        lock (_gate)
        {
            var sum = _retired;
            foreach (var transport in _live.Keys)
            {
                sum = sum.Add(transport);
            }
            return sum;
        }
    }

    private void Retire(WebRtcTransport transport)
    {
        lock (_gate)
        {
            if (_live.TryRemove(transport, out _))
            {
                _retired = _retired.Add(transport);
            }
        }
    }
}
