namespace CommunityStream.Media.Forwarding;

/// <summary>
/// One kind of media as one viewer receives it: our SSRC and the viewer's payload type, and the offsets that
/// map the publisher's sequence numbers and timestamps into a space starting at a random point (RFC 3550 §5.1).
/// </summary>
internal sealed class ViewerTrack
{
    public ViewerTrack(uint ssrc, byte payloadType, int midExtensionId, string mid, int clockRate)
    {
        Ssrc = ssrc;
        PayloadType = payloadType;
        MidExtensionId = midExtensionId;
        Mid = System.Text.Encoding.ASCII.GetBytes(mid);
        ClockRate = clockRate;
    }

    public uint Ssrc { get; }

    public byte PayloadType { get; }

    /// <summary>The viewer's id for the <c>sdes:mid</c> extension, or 0 when it did not negotiate it.</summary>
    public int MidExtensionId { get; }

    public byte[] Mid { get; }

    public int ClockRate { get; }

    public bool Started { get; private set; }

    public ushort SequenceOffset { get; private set; }

    public uint TimestampOffset { get; private set; }

    // For RTCP sender reports (RFC 3550 §6.4.1).
    public uint PacketsSent { get; private set; }

    public uint OctetsSent { get; private set; }

    public uint LastTimestamp { get; private set; }

    public long LastSentAt { get; private set; }

    /// <summary>Fixes the offsets on the first packet so the viewer's numbering starts at a random point.</summary>
    public void StartAt(ushort publisherSequence, uint publisherTimestamp)
    {
        SequenceOffset = (ushort)(Random.Shared.Next(0, 0x8000) - publisherSequence);
        TimestampOffset = (uint)Random.Shared.NextInt64(0, uint.MaxValue) - publisherTimestamp;
        Started = true;
    }

    public void Sent(uint timestamp, int payloadBytes, long at)
    {
        PacketsSent++;
        OctetsSent += (uint)payloadBytes;
        LastTimestamp = timestamp;
        LastSentAt = at;
    }
}
