using System.Buffers.Binary;

namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// H.264 from RTP (RFC 6184, packetization modes 0 and 1): single NAL unit packets, STAP-A and FU-A, put back in
/// sequence order within a small window and gathered into access units by RTP timestamp (a marker bit or a new
/// timestamp ends one). An access unit with a gap, a broken fragment or an unsupported packet type is dropped, and
/// then everything until the next IDR (a P-frame after a loss would decode to garbage): <see cref="TakeKeyframeRequest"/>
/// says when to ask the publisher for one. Parameter sets come from the stream or from <c>sprop-parameter-sets</c>.
/// Not thread-safe: one feeding thread.
/// </summary>
internal sealed class H264Depacketizer
{
    private const int FuA = 28;
    private const int StapA = 24;
    private const int RequestEveryDroppedUnits = 60;

    private readonly H264DepacketizerLimits _limits;
    private readonly Queue<H264AccessUnit> _ready = new();
    private readonly SortedList<ushort, (uint Timestamp, bool Marker, byte[] Payload, long ReceivedAt)> _held = new();
    private byte[] _unit = new byte[16 * 1024];
    private int _unitLength;
    private bool _unitStarted;
    private uint _unitTimestamp;
    private long _unitReceivedAt;
    private bool _unitBroken;
    private bool _unitIdr;
    private bool _unitHasSlice;
    private int _fragmentStart = -1;
    private int _expected = -1;
    private byte[]? _sps;
    private byte[]? _pps;
    private H264Configuration? _configuration;
    private bool _waitingForIdr = true;
    private int _droppedWhileWaiting;
    private bool _keyframeRequest;
    private long _lastDroppedTimestamp = -1;

    public H264Depacketizer(H264DepacketizerLimits? limits = null, string? spropParameterSets = null)
    {
        _limits = limits ?? H264DepacketizerLimits.Default;
        foreach (var set in (spropParameterSets ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bytes = new byte[set.Length];
            if (Convert.TryFromBase64String(set, bytes, out var length) && length > 0)
            {
                KeepParameterSet(bytes.AsSpan(0, length));
            }
        }
    }

    /// <summary>Access units dropped (gaps, broken or oversized units, waiting for an IDR).</summary>
    public long DroppedUnits { get; private set; }

    /// <summary>Packets that came too late (their number was already given up) or twice.</summary>
    public long LatePackets { get; private set; }

    public bool WaitingForIdr => _waitingForIdr;

    /// <summary>Bytes held now: the picture buffer's capacity and the copies of packets waiting for a gap to fill.</summary>
    public long RetainedBytes
    {
        get
        {
            long held = 0;
            foreach (var packet in _held.Values)
            {
                held += packet.Payload.Length;
            }
            return _unit.Length + held;
        }
    }

    public void Push(Forwarding.MediaPacket packet)
    {
        var payload = packet.Payload;
        if (packet.Padded && payload.Length > 0)
        {
            var padding = payload[^1];
            payload = padding <= payload.Length ? payload[..^padding] : [];
        }
        Push(packet.Sequence, packet.Timestamp, packet.Marker, payload, packet.ReceivedAt);
    }

    public void Push(ushort sequence, uint timestamp, bool marker, ReadOnlySpan<byte> payload, long receivedAt = 0)
    {
        if (_expected < 0)
        {
            _expected = sequence;
        }
        var ahead = (short)(sequence - (ushort)_expected);
        if (ahead < 0 || (ahead > 0 && _held.ContainsKey(sequence)))
        {
            LatePackets++;
            return;
        }
        if (ahead == 0)
        {
            Process(timestamp, marker, payload, receivedAt);
            _expected = (ushort)(_expected + 1);
        }
        else if (ahead > 4 * _limits.ReorderPackets)
        {
            // A jump far beyond the window: what is held will never be completed.
            DrainHeld(force: true);
            Lost();
            _expected = sequence;
            Process(timestamp, marker, payload, receivedAt);
            _expected = (ushort)(_expected + 1);
        }
        else
        {
            _held.Add(sequence, (timestamp, marker, payload.ToArray(), receivedAt));
        }
        DrainHeld(force: _held.Count > _limits.ReorderPackets);
    }

    /// <summary>The next whole access unit, in decode order.</summary>
    public bool TryRead(out H264AccessUnit unit) => _ready.TryDequeue(out unit!);

    /// <summary>True once after the depacketizer started waiting for an IDR (and again every ~2 s of pictures while it waits).</summary>
    public bool TakeKeyframeRequest()
    {
        var request = _keyframeRequest;
        _keyframeRequest = false;
        return request;
    }

    /// <summary>Ends the access unit in progress (the stream ended): emitted when whole.</summary>
    public void Flush()
    {
        DrainHeld(force: true);
        FinishUnit();
    }

    /// <summary>Processes held packets that are next in order; with <paramref name="force"/>, gives up on the gaps before them.</summary>
    private void DrainHeld(bool force)
    {
        while (_held.Count > 0)
        {
            var first = _held.Keys[0];
            if (first != (ushort)_expected)
            {
                if (!force)
                {
                    return;
                }
                Lost();
                _expected = first;
            }
            var (timestamp, marker, payload, receivedAt) = _held.Values[0];
            _held.RemoveAt(0);
            Process(timestamp, marker, payload, receivedAt);
            _expected = (ushort)(_expected + 1);
            force = force && _held.Count > _limits.ReorderPackets;
        }
    }

    private void Lost()
    {
        _unitBroken |= _unitStarted;
        FinishUnit();
        StartWaiting();
    }

    private void StartWaiting()
    {
        _waitingForIdr = true;
        _keyframeRequest = true;
        _droppedWhileWaiting = 1;
    }

    private void Process(uint timestamp, bool marker, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (payload.Length == 0)
        {
            return; // padding only (bandwidth probes): a sequence number, no media
        }
        if (_unitStarted && timestamp != _unitTimestamp)
        {
            FinishUnit();
        }
        if (!_unitStarted)
        {
            _unitStarted = true;
            _unitTimestamp = timestamp;
            _unitReceivedAt = receivedAt;
        }
        switch (payload[0] & 0x1F)
        {
            case >= 1 and <= 23:
                AddNal(payload);
                break;
            case StapA:
                AddAggregate(payload[1..]);
                break;
            case FuA:
                AddFragment(payload);
                break;
            default:
                _unitBroken = true; // STAP-B, MTAP, FU-B: packetization mode 2, never negotiated
                break;
        }
        if (marker)
        {
            FinishUnit();
        }
    }

    private void AddAggregate(ReadOnlySpan<byte> units)
    {
        while (units.Length > 0)
        {
            if (units.Length < 2)
            {
                _unitBroken = true;
                return;
            }
            var size = BinaryPrimitives.ReadUInt16BigEndian(units);
            if (size == 0 || size > units.Length - 2)
            {
                _unitBroken = true;
                return;
            }
            AddNal(units.Slice(2, size));
            units = units[(2 + size)..];
        }
    }

    private void AddFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            _unitBroken = true;
            return;
        }
        var header = payload[1];
        var start = (header & 0x80) != 0;
        var end = (header & 0x40) != 0;
        if (start)
        {
            if (_fragmentStart >= 0)
            {
                _unitBroken = true; // the previous fragment never ended
                _unitLength = _fragmentStart;
            }
            _fragmentStart = _unitLength;
            if (!Append([0, 0, 0, 0, (byte)((payload[0] & 0xE0) | (header & 0x1F))]))
            {
                return;
            }
        }
        else if (_fragmentStart < 0)
        {
            _unitBroken = true; // a middle or end without its start
            return;
        }
        if (!Append(payload[2..]))
        {
            return;
        }
        if (end)
        {
            var nalStart = _fragmentStart;
            _fragmentStart = -1;
            Classify(nalStart);
        }
    }

    private void AddNal(ReadOnlySpan<byte> nal)
    {
        if (_fragmentStart >= 0)
        {
            _unitBroken = true; // a whole NAL unit inside an unfinished fragment
            _unitLength = _fragmentStart;
            _fragmentStart = -1;
        }
        var start = _unitLength;
        if (Append([0, 0, 0, 0]) && Append(nal))
        {
            Classify(start);
        }
    }

    /// <summary>Fills in the length of the NAL unit written at <paramref name="start"/>, or takes it out again.</summary>
    private void Classify(int start)
    {
        var nal = _unit.AsSpan(start + 4, _unitLength - start - 4);
        var type = nal[0] & 0x1F;
        switch (type)
        {
            case 7 or 8:
                KeepParameterSet(nal);
                _unitLength = start;
                return;
            case 9 or 0 or > 23:
                _unitLength = start; // access unit delimiters and reserved types carry nothing a player needs
                return;
            case >= 1 and <= 5:
                _unitHasSlice = true;
                _unitIdr |= type == 5;
                break;
            default:
                break;
        }
        BinaryPrimitives.WriteUInt32BigEndian(_unit.AsSpan(start), (uint)nal.Length);
    }

    private void KeepParameterSet(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 2 || nal.Length > _limits.MaxParameterSetBytes)
        {
            return;
        }
        var type = nal[0] & 0x1F;
        if (type == 7 && (_sps is null || !nal.SequenceEqual(_sps)))
        {
            _sps = nal.ToArray();
        }
        else if (type == 8 && (_pps is null || !nal.SequenceEqual(_pps)))
        {
            _pps = nal.ToArray();
        }
    }

    private bool Append(ReadOnlySpan<byte> bytes)
    {
        if (_unitBroken)
        {
            return false;
        }
        if (_unitLength + bytes.Length > _limits.MaxAccessUnitBytes)
        {
            _unitBroken = true;
            return false;
        }
        if (_unitLength + bytes.Length > _unit.Length)
        {
            Array.Resize(ref _unit, Math.Min(_limits.MaxAccessUnitBytes, Math.Max(_unit.Length * 2, _unitLength + bytes.Length)));
        }
        bytes.CopyTo(_unit.AsSpan(_unitLength));
        _unitLength += bytes.Length;
        return true;
    }

    private void FinishUnit()
    {
        if (!_unitStarted)
        {
            return;
        }
        var broken = _unitBroken || _fragmentStart >= 0;
        var hasSlice = _unitHasSlice;
        var idr = _unitIdr;
        _unitStarted = false;
        _unitBroken = false;
        _unitHasSlice = false;
        _unitIdr = false;
        _fragmentStart = -1;
        var length = _unitLength;
        _unitLength = 0;
        if (broken)
        {
            if (_lastDroppedTimestamp != _unitTimestamp)
            {
                DroppedUnits++; // the rest of a picture already given up on is not another one
                _lastDroppedTimestamp = _unitTimestamp;
            }
            StartWaiting();
            return;
        }
        if (!hasSlice)
        {
            return; // parameter sets alone, or nothing
        }
        if (idr && !CurrentConfiguration())
        {
            idr = false; // an IDR without usable parameter sets is no start either
        }
        if (_waitingForIdr && !idr)
        {
            DroppedUnits += _lastDroppedTimestamp == _unitTimestamp ? 0 : 1;
            _lastDroppedTimestamp = _unitTimestamp;
            if (_droppedWhileWaiting++ % RequestEveryDroppedUnits == 0)
            {
                _keyframeRequest = true;
            }
            return;
        }
        _waitingForIdr = false;
        _ready.Enqueue(new H264AccessUnit(_unitTimestamp, idr, _unit.AsSpan(0, length).ToArray(), _configuration!, _unitReceivedAt));
    }

    /// <summary>Brings <see cref="_configuration"/> up to the parameter sets last seen; false when there are none usable.</summary>
    private bool CurrentConfiguration()
    {
        if (_sps is null || _pps is null)
        {
            return false;
        }
        if (_configuration is not null && ReferenceEquals(_configuration.Sps, _sps) && ReferenceEquals(_configuration.Pps, _pps))
        {
            return true;
        }
        var info = H264SequenceParameterSet.TryParse(_sps);
        if (info is null)
        {
            return false;
        }
        _configuration = new H264Configuration(_sps, _pps, info);
        return true;
    }
}
