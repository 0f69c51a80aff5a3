using CommunityStream.WebRtc.Dtls;

namespace CommunityStream.WebRtc.Tests.Dtls;

/// <summary>
/// The queue under BouncyCastle's DTLS keeps BouncyCastle's <c>DatagramTransport.Receive</c> contract: its record
/// layer treats a wait of 0 as "no time limit" and calls again after every -1, so returning -1 at once for an empty
/// or closed queue turns that loop into a busy spin that never ends.
/// </summary>
public sealed class QueuedDatagramTransportTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly QueuedDatagramTransport _transport = new(_ => { }, 1200);

    public void Dispose() => _transport.Dispose();

    [Fact]
    public async Task Should_wait_for_a_datagram_when_asked_to_wait_zero_millis()
    {
        var receiving = ReceiveOnOwnThread(waitMillis: 0);

        _transport.Enqueue([1, 2, 3]);

        Assert.Equal(3, await receiving.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Should_end_a_wait_without_time_limit_by_throwing_when_closed()
    {
        var receiving = ReceiveOnOwnThread(waitMillis: 0);

        _transport.Close();

        await Assert.ThrowsAsync<IOException>(() => receiving.WaitAsync(Timeout));
    }

    [Fact]
    public void Should_throw_instead_of_returning_minus_one_once_closed()
    {
        _transport.Enqueue([1]);
        _transport.Dispose();

        Assert.Throws<IOException>(() => _transport.Receive(new byte[10], 0, 10, 1000));
        _transport.Enqueue([2]);
        Assert.Equal(1, _transport.Dropped);
    }

    [Fact]
    public void Should_return_minus_one_when_a_positive_wait_passes_without_a_datagram()
    {
        Assert.Equal(-1, _transport.Receive(new byte[10], 0, 10, 5));

        Assert.Equal(1, _transport.TimedOut);
    }

    [Fact]
    public void Should_hand_out_queued_datagrams_in_order_and_drop_a_flood()
    {
        for (var i = 0; i < 70; i++)
        {
            _transport.Enqueue([(byte)i]);
        }

        var buffer = new byte[10];
        Assert.Equal(1, _transport.Receive(buffer, 0, buffer.Length, 1));
        Assert.Equal(0, buffer[0]);
        Assert.Equal(1, _transport.Receive(buffer, 0, buffer.Length, 1));
        Assert.Equal(1, buffer[0]);
        Assert.Equal(64, _transport.Queued);
        Assert.Equal(6, _transport.Dropped);
    }

    private Task<int> ReceiveOnOwnThread(int waitMillis) =>
        Task.Factory.StartNew(
            () => _transport.Receive(new byte[10], 0, 10, waitMillis),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
