using System.Diagnostics;
using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// Reception statistics of one publisher SSRC as RFC 3550 Appendix A computes them: extended highest sequence,
/// loss (cumulative and per report interval), interarrival jitter, and the LSR/DLSR echo of its sender reports.
/// Updated on the receive thread, read by the report timer, hence the lock.
/// </summary>
internal sealed class ReceiveStatistics(uint ssrc, int clockRate)
{
    private readonly Lock _gate = new();
    private bool _started;
    private uint _baseSequence;
    private ushort _maxSequence;
    private uint _cycles;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private double _jitter;
    private long _lastTransit;
    private uint _lastSenderReport;
    private long _lastSenderReportAt;
    private long _bytes;
    private long _lastKeyframeAt;
    private double _keyframeInterval;

    public uint Ssrc { get; } = ssrc;

    public void Received(ushort sequence, uint timestamp, long arrivalTicks, int bytes, bool keyframe)
    {
        lock (_gate)
        {
            _bytes += bytes;
            if (!_started)
            {
                _started = true;
                _baseSequence = sequence;
                _maxSequence = sequence;
                _received = 1;
                _lastTransit = Transit(timestamp, arrivalTicks);
            }
            else
            {
                var ahead = (ushort)(sequence - _maxSequence);
                if (ahead is > 0 and < 0x8000)
                {
                    if (sequence < _maxSequence)
                    {
                        _cycles += 0x1_0000;
                    }
                    _maxSequence = sequence;
                }
                _received++;
                var transit = Transit(timestamp, arrivalTicks);
                var difference = Math.Abs(transit - _lastTransit);
                _lastTransit = transit;
                _jitter += (difference - _jitter) / 16.0;
            }
            if (keyframe)
            {
                if (_lastKeyframeAt != 0)
                {
                    _keyframeInterval = Stopwatch.GetElapsedTime(_lastKeyframeAt, arrivalTicks).TotalSeconds;
                }
                _lastKeyframeAt = arrivalTicks;
            }
        }
    }

    public void SenderReportReceived(ulong ntpTimestamp, long arrivalTicks)
    {
        lock (_gate)
        {
            _lastSenderReport = NtpTime.Middle(ntpTimestamp);
            _lastSenderReportAt = arrivalTicks;
        }
    }

    /// <summary>The report block for our next RR; starts a new interval for the fraction lost.</summary>
    public RtcpReportBlock NextReportBlock(long nowTicks)
    {
        lock (_gate)
        {
            var extendedMax = _cycles + _maxSequence;
            var expected = (long)extendedMax - _baseSequence + 1;
            var lost = expected - _received;
            var expectedInterval = expected - _expectedPrior;
            var lostInterval = expectedInterval - (_received - _receivedPrior);
            _expectedPrior = expected;
            _receivedPrior = _received;
            var fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            var delay = _lastSenderReportAt == 0 ? 0u : (uint)(Stopwatch.GetElapsedTime(_lastSenderReportAt, nowTicks).TotalSeconds * 65536);
            return new RtcpReportBlock(Ssrc, (byte)fraction, (int)Math.Clamp(lost, int.MinValue, int.MaxValue), extendedMax, (uint)_jitter, _lastSenderReport, delay);
        }
    }

    /// <summary>Totals for the stream's quality figures.</summary>
    public (long Bytes, long Received, long Lost, double JitterSeconds, double KeyframeIntervalSeconds) Totals()
    {
        lock (_gate)
        {
            var expected = _started ? (long)(_cycles + _maxSequence) - _baseSequence + 1 : 0;
            return (_bytes, _received, Math.Max(0, expected - _received), _jitter / clockRate, _keyframeInterval);
        }
    }

    private long Transit(uint timestamp, long arrivalTicks) =>
        (long)(arrivalTicks * (double)clockRate / Stopwatch.Frequency) - timestamp;
}
