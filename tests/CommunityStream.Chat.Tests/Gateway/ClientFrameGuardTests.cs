using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>The pure header follower under every client socket: lengths judged from headers, in any split of the bytes.</summary>
public sealed class ClientFrameGuardTests
{
    private const int Limit = 4096;

    [Fact]
    public void Should_refuse_a_header_announcing_2_to_the_62_bytes_even_fed_one_byte_at_a_time()
    {
        var guard = new ClientFrameGuard(Limit);
        var header = RawSocket.FrameHeader(fin: true, opcode: 1, 1UL << 62);
        var verdicts = header.Select(b => guard.Advance([b])).ToList();
        Assert.Equal(ClientFrameGuard.Verdict.TooBig, verdicts[^1]);
        Assert.All(verdicts[..^1], v => Assert.Equal(ClientFrameGuard.Verdict.Ok, v));
    }

    [Fact]
    public void Should_track_a_fragmented_message_across_control_frames_until_its_last_fragment()
    {
        var guard = new ClientFrameGuard(Limit);
        Assert.False(guard.Unfinished);
        Assert.Equal(ClientFrameGuard.Verdict.Ok, guard.Advance([.. RawSocket.FrameHeader(false, 1, 3), .. "abc"u8]));
        Assert.True(guard.Unfinished);
        Assert.Equal(ClientFrameGuard.Verdict.Ok, guard.Advance([.. RawSocket.FrameHeader(true, 9, 2), .. "pi"u8]));
        Assert.True(guard.Unfinished);
        Assert.Equal(ClientFrameGuard.Verdict.Ok, guard.Advance([.. RawSocket.FrameHeader(true, 0, Limit - 3)]));
        Assert.True(guard.Unfinished);
        Assert.Equal(ClientFrameGuard.Verdict.Ok, guard.Advance(new byte[Limit - 3]));
        Assert.False(guard.Unfinished);
        // The ping inside the message does not end it (nor restart its clock).
        Assert.Equal(1, guard.Ended);
    }

    [Fact]
    public void Should_refuse_fragments_adding_up_to_more_than_the_limit_and_stay_refused()
    {
        var guard = new ClientFrameGuard(Limit);
        Assert.Equal(ClientFrameGuard.Verdict.Ok, guard.Advance([.. RawSocket.FrameHeader(false, 2, Limit), .. new byte[Limit]]));
        Assert.Equal(ClientFrameGuard.Verdict.TooBig, guard.Advance(RawSocket.FrameHeader(true, 0, 1)));
        Assert.Equal(ClientFrameGuard.Verdict.TooBig, guard.Advance([0x81, 0x80]));
    }

    [Fact]
    public void Should_take_arbitrary_bytes_in_arbitrary_pieces_without_throwing()
    {
        var random = new Random(17);
        for (var run = 0; run < 2000; run++)
        {
            var guard = new ClientFrameGuard(random.Next(1, 10_000));
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            var span = bytes.AsSpan();
            while (!span.IsEmpty)
            {
                var piece = random.Next(1, span.Length + 1);
                guard.Advance(span[..piece]);
                span = span[piece..];
            }
        }
    }
}
