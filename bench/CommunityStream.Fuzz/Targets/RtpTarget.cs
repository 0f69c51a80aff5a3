using CommunityStream.WebRtc;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="RtpHeader"/>: fixed header, CSRCs, one- and two-byte header extensions (RFC 8285), padding. Round trip:
/// the header, CSRCs and every extension element written again with <see cref="RtpHeader.Write"/> and
/// <see cref="RtpHeaderExtensionWriter"/> read back the same.
/// </summary>
internal sealed class RtpTarget : FuzzTarget
{
    private readonly byte[] _rewritten = new byte[4096];
    private readonly uint[] _csrcs = new uint[15];

    public override string Name => "rtp";

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override IReadOnlyList<byte[]> Dictionary { get; } =
        [[0xBE, 0xDE], [0x10, 0x00], [0x80], [0x90], [0xA0], [0xBF], [0x00, 0x00, 0x00, 0x00], [0xFF, 0xFF]];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        DatagramClassifier.Classify(input);
        if (!RtpHeader.TryRead(input, out var header))
        {
            return FuzzOutcome.Rejected;
        }
        var payloadOk = header.TryGetPayload(input, out _);
        for (var i = 0; i < header.CsrcCount; i++)
        {
            _csrcs[i] = header.GetCsrc(input, i);
        }
        var length = RtpHeader.Write(_rewritten, header.Marker, header.PayloadType, header.SequenceNumber, header.Timestamp, header.Ssrc, _csrcs.AsSpan(0, header.CsrcCount));
        var oneByte = header.HasExtension && header.ExtensionProfile == RtpHeader.OneByteProfile;
        var twoByte = header.HasExtension && (header.ExtensionProfile & RtpHeader.TwoByteProfileMask) == RtpHeader.TwoByteProfile;
        var lastId = oneByte ? 14 : twoByte ? 255 : 0;
        if (lastId > 0)
        {
            var extension = new RtpHeaderExtensionWriter(_rewritten, length, twoByte);
            for (var id = 1; id <= lastId; id++)
            {
                if (header.TryGetExtension(input, id, out var value))
                {
                    extension.Add(id, value);
                }
            }
            length = extension.Complete();
        }
        var rewritten = _rewritten.AsSpan(0, length);
        if (!RtpHeader.TryRead(rewritten, out var again) || again.Marker != header.Marker || again.PayloadType != header.PayloadType
            || again.SequenceNumber != header.SequenceNumber || again.Timestamp != header.Timestamp || again.Ssrc != header.Ssrc
            || again.CsrcCount != header.CsrcCount)
        {
            throw new InvariantViolation("the rewritten header reads differently");
        }
        for (var i = 0; i < header.CsrcCount; i++)
        {
            if (again.GetCsrc(rewritten, i) != _csrcs[i])
            {
                throw new InvariantViolation($"CSRC {i} changed");
            }
        }
        for (var id = 1; id <= lastId; id++)
        {
            var found = header.TryGetExtension(input, id, out var value);
            if (found != again.TryGetExtension(rewritten, id, out var copy) || (found && !value.SequenceEqual(copy)))
            {
                throw new InvariantViolation($"extension element {id} changed");
            }
        }
        return payloadOk ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private static List<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        var packet = new byte[200];
        var length = RtpHeader.Write(packet, true, 96, 65535, 3000, 0x11223344, [4u, 5u]);
        var oneByte = new RtpHeaderExtensionWriter(packet, length, twoByte: false);
        oneByte.Add(1, [1, 2]);
        oneByte.Add(3, [3]);
        oneByte.Add(4, new byte[16]);
        length = oneByte.Complete();
        seeds.Add(packet[..(length + 40)]);

        packet = new byte[200];
        length = RtpHeader.Write(packet, false, 111, 1, 2, 3);
        var twoByte = new RtpHeaderExtensionWriter(packet, length, twoByte: true);
        twoByte.Add(10, [1, 2, 3]);
        twoByte.Add(200, []);
        length = twoByte.Complete();
        seeds.Add(packet[..(length + 20)]);

        // Padding: the last byte counts it (RFC 3550 §5.1).
        packet = new byte[60];
        length = RtpHeader.Write(packet, false, 100, 7, 8, 9);
        packet[0] |= 0x20;
        packet[^1] = 4;
        seeds.Add(packet);
        return seeds;
    }
}
