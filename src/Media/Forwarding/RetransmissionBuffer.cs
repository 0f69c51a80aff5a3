namespace CommunityStream.Media.Forwarding;

/// <summary>
/// The stream's last video packets by sequence number, for answering viewers' NACKs (RFC 4585 §6.2.1). Written by
/// the fan-out thread, read by the receive thread: slots hold immutable packets, so a torn read only misses.
/// </summary>
internal sealed class RetransmissionBuffer
{
    private readonly MediaPacket?[] _slots;
    private readonly int _mask;

    /// <param name="capacity">A power of two; 1,024 packets is about 4 s of a 2.5 Mbit/s stream.</param>
    public RetransmissionBuffer(int capacity = 1024)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "Capacity must be a power of two.");
        }
        _slots = new MediaPacket?[capacity];
        _mask = capacity - 1;
    }

    public void Add(MediaPacket packet) => Volatile.Write(ref _slots[packet.Sequence & _mask], packet);

    /// <summary>The packet with this publisher sequence number, if it is still held.</summary>
    public MediaPacket? Find(ushort sequence)
    {
        var packet = Volatile.Read(ref _slots[sequence & _mask]);
        return packet is not null && packet.Sequence == sequence ? packet : null;
    }
}
