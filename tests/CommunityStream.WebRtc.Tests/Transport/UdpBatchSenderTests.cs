using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.WebRtc.Tests.Transport;

/// <summary>Batched UDP sends over real loopback sockets, on sendmmsg and on the forced portable SendTo loop.</summary>
public sealed class UdpBatchSenderTests : IDisposable
{
    private readonly Socket _sender = NewSocket();
    private readonly List<Socket> _receivers = [];

    public void Dispose()
    {
        _sender.Dispose();
        foreach (var receiver in _receivers)
        {
            receiver.Dispose();
        }
    }

    [Fact]
    public void Should_use_sendmmsg_on_linux_unless_the_portable_path_is_forced()
    {
        using var native = new UdpBatchSender(_sender);
        using var portable = new UdpBatchSender(_sender, forcePortable: true);

        Assert.Equal(OperatingSystem.IsLinux() && Environment.Is64BitProcess, native.UsesSendMmsg);
        Assert.False(portable.UsesSendMmsg);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_deliver_every_datagram_with_its_bytes_in_order_per_destination(bool forcePortable)
    {
        const int perDestination = 50;
        var destinations = Enumerable.Range(0, 3).Select(_ => NewReceiver()).ToList();
        // A capacity smaller than the total makes Queue flush full batches by itself on the way.
        using var sender = new UdpBatchSender(_sender, capacity: 16, forcePortable);

        for (var sequence = 0; sequence < perDestination; sequence++)
        {
            for (var d = 0; d < destinations.Count; d++)
            {
                sender.Queue(Datagram(d, sequence), Address(destinations[d]));
            }
        }
        sender.Flush();

        Assert.Equal(perDestination * destinations.Count, sender.Sent);
        Assert.Equal(0, sender.Dropped);
        for (var d = 0; d < destinations.Count; d++)
        {
            var received = await ReceiveAsync(destinations[d], perDestination);
            Assert.Equal(Enumerable.Range(0, perDestination).Select(s => Datagram(d, s)), received);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_drop_only_the_refused_datagrams_and_send_the_rest_of_the_batch(bool forcePortable)
    {
        var receiver = NewReceiver();
        var good = Address(receiver);
        // Linux refuses port 0 (EINVAL) and an IPv6 destination on an IPv4 socket (EAFNOSUPPORT) per datagram,
        // so sendmmsg stops part-way through the batch and the sender has to resume after the refused one.
        var portZero = new IPEndPoint(IPAddress.Loopback, 0).Serialize();
        var otherFamily = new IPEndPoint(IPAddress.IPv6Loopback, ((IPEndPoint)receiver.LocalEndPoint!).Port).Serialize();
        using var sender = new UdpBatchSender(_sender, capacity: 8, forcePortable);

        sender.Queue(Datagram(0, 0), good);
        sender.Queue(Datagram(0, 1), good);
        sender.Queue(Datagram(9, 9), otherFamily);
        sender.Queue(Datagram(0, 2), good);
        sender.Queue(Datagram(9, 9), portZero);
        sender.Queue(Datagram(0, 3), good);
        var sent = sender.Flush();

        Assert.Equal(4, sent);
        Assert.Equal(2, sender.Dropped);
        Assert.Equal(0, sender.Queued);
        Assert.Equal(Enumerable.Range(0, 4).Select(s => Datagram(0, s)), await ReceiveAsync(receiver, 4));
    }

    [Fact]
    public async Task Should_send_a_full_batch_in_one_system_call_on_linux()
    {
        if (!LinuxSendMmsg.IsSupported)
        {
            return; // sendmmsg is Linux-only; the portable path makes one call per datagram by design.
        }
        var receiver = NewReceiver();
        using var sender = new UdpBatchSender(_sender, capacity: 32);

        for (var i = 0; i < 32; i++)
        {
            sender.Queue(Datagram(0, i), Address(receiver));
        }
        sender.Flush();

        Assert.Equal(1, sender.SystemCalls);
        Assert.Equal(32, (await ReceiveAsync(receiver, 32)).Count);
    }

    [Fact]
    public async Task Should_carry_a_run_of_equal_datagrams_for_one_destination_as_one_segmented_message()
    {
        if (!LinuxSendMmsg.IsSupported)
        {
            return; // UDP GSO is Linux-only; elsewhere the sender never coalesces.
        }
        var a = NewReceiver();
        var b = NewReceiver();
        using var sender = new UdpBatchSender(_sender, capacity: 32);
        var toA = new List<byte[]>();
        var toB = new List<byte[]>();

        // A: five 1,000-byte datagrams and a shorter one end a message; the next 1,000-byte one starts another.
        foreach (var length in new[] { 1000, 1000, 1000, 1000, 1000, 400, 1000 })
        {
            toA.Add(Filled(length, toA.Count));
            sender.Queue(toA[^1], Address(a));
        }
        for (var i = 0; i < 3; i++)
        {
            toB.Add(Filled(1000, 100 + i));
            sender.Queue(toB[^1], Address(b));
        }
        sender.Flush();

        Assert.Equal(10, sender.Sent);
        Assert.Equal(1, sender.SystemCalls);
        Assert.True(sender.Segmentation, "loopback takes UDP GSO on Linux 4.18+");
        Assert.Equal(5 + 2, sender.Coalesced);
        Assert.Equal(toA, await ReceiveAsync(a, toA.Count));
        Assert.Equal(toB, await ReceiveAsync(b, toB.Count));
    }

    [Fact]
    public async Task Should_start_a_new_segmented_message_after_the_kernels_segment_limit()
    {
        if (!LinuxSendMmsg.IsSupported)
        {
            return;
        }
        var receiver = NewReceiver();
        using var sender = new UdpBatchSender(_sender, capacity: 64);
        var sent = Enumerable.Range(0, UdpBatchSender.MaxSegments + 8).Select(i => Filled(1200, i)).ToList();

        foreach (var datagram in sent)
        {
            sender.Queue(datagram, Address(receiver));
        }
        sender.Flush();

        // Two messages: MaxSegments datagrams, then eight.
        Assert.Equal(sent.Count - 2, sender.Coalesced);
        Assert.Equal(sent, await ReceiveAsync(receiver, sent.Count));
    }

    [Fact]
    public async Task Should_send_singly_and_stop_coalescing_where_the_kernel_refuses_segmentation()
    {
        if (!LinuxSendMmsg.IsSupported)
        {
            return;
        }
        var receiver = NewReceiver();
        using var socket = NewSocket();
        // SO_NO_CHECK (no UDP checksums) makes Linux refuse GSO with EINVAL, as a device without checksum offload does with EIO.
        socket.SetRawSocketOption(1, 11, BitConverter.GetBytes(1));
        using var sender = new UdpBatchSender(socket, capacity: 16);
        var sent = Enumerable.Range(0, 6).Select(i => Filled(1200, i)).ToList();

        foreach (var datagram in sent.Take(3))
        {
            sender.Queue(datagram, Address(receiver));
        }
        sender.Flush();
        Assert.False(sender.Segmentation);
        foreach (var datagram in sent.Skip(3))
        {
            sender.Queue(datagram, Address(receiver));
        }
        sender.Flush();

        Assert.Equal(6, sender.Sent);
        Assert.Equal(0, sender.Dropped);
        Assert.Equal(0, sender.Coalesced);
        Assert.Equal(sent, await ReceiveAsync(receiver, sent.Count));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    public async Task Should_deliver_random_runs_exactly_with_and_without_segmentation(bool segmentation, int seed)
    {
        var random = new Random(seed);
        var receivers = Enumerable.Range(0, 3).Select(_ => NewReceiver()).ToList();
        var expected = receivers.Select(_ => new List<byte[]>()).ToList();
        using var sender = new UdpBatchSender(_sender, capacity: 64, segmentation: segmentation);
        var destination = 0;

        for (var i = 0; i < 300; i++)
        {
            // Runs for one destination, mostly of one size, with shorter and longer ones mixed in.
            destination = random.Next(10) < 7 ? destination : random.Next(receivers.Count);
            var length = random.Next(4) switch { 0 => random.Next(20, 1300), 1 => 800, _ => 1200 };
            var datagram = Filled(length, i);
            expected[destination].Add(datagram);
            sender.Queue(datagram, Address(receivers[destination]));
            if (random.Next(50) == 0)
            {
                sender.Flush();
            }
        }
        sender.Flush();

        Assert.Equal(300, sender.Sent);
        Assert.Equal(0, sender.Dropped);
        Assert.Equal(segmentation && LinuxSendMmsg.IsSupported, sender.Coalesced > 0);
        for (var d = 0; d < receivers.Count; d++)
        {
            Assert.Equal(expected[d], await ReceiveAsync(receivers[d], expected[d].Count));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_send_what_was_written_in_place_into_the_next_buffer(bool forcePortable)
    {
        var receiver = NewReceiver();
        using var sender = new UdpBatchSender(_sender, capacity: 4, forcePortable);

        for (var i = 0; i < 6; i++)
        {
            var expected = Datagram(1, i);
            expected.CopyTo(sender.NextBuffer);
            sender.Commit(expected.Length, Address(receiver));
        }
        sender.Flush();

        Assert.Equal(Enumerable.Range(0, 6).Select(s => Datagram(1, s)), await ReceiveAsync(receiver, 6));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_count_unusable_datagrams_as_drops_instead_of_throwing(bool forcePortable)
    {
        var receiver = Address(NewReceiver());
        var sender = new UdpBatchSender(_sender, capacity: 4, forcePortable);

        sender.Queue(new byte[UdpBatchSender.MaxDatagram + 1], receiver);
        sender.Queue([], receiver);
        sender.Queue(Datagram(0, 0), receiver);
        sender.Dispose();
        sender.Queue(Datagram(0, 1), receiver);
        sender.Flush();

        // Too large, empty, queued but never flushed before disposal, queued after disposal.
        Assert.Equal(4, sender.Dropped);
        Assert.Equal(0, sender.Sent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_count_a_closed_socket_as_drops(bool forcePortable)
    {
        var receiver = Address(NewReceiver());
        using var socket = NewSocket();
        using var sender = new UdpBatchSender(socket, capacity: 4, forcePortable);

        sender.Queue(Datagram(0, 0), receiver);
        sender.Queue(Datagram(0, 1), receiver);
        socket.Dispose();

        Assert.Equal(0, sender.Flush());
        Assert.Equal(2, sender.Dropped);
    }

    // Destination index, sequence and a body of varying length (20–1,199 bytes) derived from both.
    private static byte[] Datagram(int destination, int sequence)
    {
        var datagram = new byte[20 + ((sequence * 97) + (destination * 31)) % 1180];
        BinaryPrimitives.WriteInt32BigEndian(datagram, destination);
        BinaryPrimitives.WriteInt32BigEndian(datagram.AsSpan(4), sequence);
        for (var i = 8; i < datagram.Length; i++)
        {
            datagram[i] = (byte)(i + sequence + destination);
        }
        return datagram;
    }

    // A datagram of exactly `length` bytes that names its index and differs from every other one.
    private static byte[] Filled(int length, int index)
    {
        var datagram = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(datagram, index);
        for (var i = 4; i < length; i++)
        {
            datagram[i] = (byte)((i * 7) + index);
        }
        return datagram;
    }

    private static SocketAddress Address(Socket receiver) => receiver.LocalEndPoint!.Serialize();

    private static Socket NewSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private Socket NewReceiver()
    {
        var socket = NewSocket();
        // Room for every datagram of a test even before anyone reads (the kernel caps this at rmem_max).
        socket.ReceiveBufferSize = 1 << 20;
        _receivers.Add(socket);
        return socket;
    }

    private static async Task<List<byte[]>> ReceiveAsync(Socket receiver, int count)
    {
        var received = new List<byte[]>();
        var buffer = new byte[UdpBatchSender.MaxDatagram];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (received.Count < count)
        {
            var length = await receiver.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Add(buffer[..length]);
        }
        return received;
    }
}
