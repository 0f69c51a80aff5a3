using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.MediaLoad;

/// <summary>Opus-sized audio RTP: one 20 ms packet (960 samples at 48 kHz) of <c>payloadSize</c> filler bytes, 50 per second.</summary>
internal sealed class SyntheticAudioStream(uint ssrc, byte payloadType, string mid, int payloadSize = 120)
{
    public const int PacketsPerSecond = 50;

    private readonly byte[] _mid = System.Text.Encoding.ASCII.GetBytes(mid);
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();

    public uint Ssrc { get; } = ssrc;

    public int WriteNext(Span<byte> packet, long sendTimestamp)
    {
        _timestamp += 960;
        var header = RtpHeader.Write(packet, marker: false, payloadType, _sequence++, _timestamp, Ssrc);
        var extension = new RtpHeaderExtensionWriter(packet, header, twoByte: false);
        extension.Add(OfferBuilder.MidExtensionId, _mid);
        header = extension.Complete();
        var payload = packet.Slice(header, Math.Max(payloadSize, PayloadStamp.Length + 1));
        payload[..^PayloadStamp.Length].Fill(0xF8);
        PayloadStamp.Write(payload, sendTimestamp);
        return header + payload.Length;
    }
}
