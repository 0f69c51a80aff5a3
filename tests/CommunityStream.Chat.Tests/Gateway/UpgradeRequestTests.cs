using System.Buffers;
using System.Text;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>Which first bytes of a connection the connection-level upgrade takes, and which it leaves to HTTP.</summary>
public sealed class UpgradeRequestTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Headers = $"Host: chat.example\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n";

    private static (UpgradeRequest.Verdict Verdict, UpgradeRequest? Request) Parse(string head, int segmentBytes = 0)
    {
        var bytes = Encoding.Latin1.GetBytes(head);
        return (UpgradeRequest.TryParse(segmentBytes == 0 ? new ReadOnlySequence<byte>(bytes) : Segmented(bytes, segmentBytes), out var request), request);
    }

    // The head may arrive in pieces: a sequence of small segments, like the pipe's.
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var i = size; i < bytes.Length; i += size)
        {
            last = last.Append(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Should_take_an_upgrade_with_the_token_from_the_query_or_the_header(int segmentBytes)
    {
        var (verdict, request) = Parse($"GET /ws?v=1&access_token=a%2Bb HTTP/1.1\r\n{Headers}\r\n", segmentBytes);
        Assert.Equal(UpgradeRequest.Verdict.Upgrade, verdict);
        Assert.Equal("a+b", request!.Token);
        // RFC 6455 §1.3's example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", request.AcceptKey());

        (verdict, request) = Parse($"GET /ws HTTP/1.1\r\n{Headers}Authorization: Bearer xyz\r\n\r\nleftover");
        Assert.Equal(UpgradeRequest.Verdict.Upgrade, verdict);
        Assert.Equal("xyz", request!.Token);
        Assert.Equal($"GET /ws HTTP/1.1\r\n{Headers}Authorization: Bearer xyz\r\n\r\n".Length, request.HeadLength);
    }

    [Fact]
    public void Should_keep_X_Forwarded_For_for_the_trusted_proxy_check_and_leave_a_repeated_one_to_HTTP()
    {
        var (verdict, request) = Parse($"GET /ws HTTP/1.1\r\n{Headers}x-forwarded-for: 198.51.100.1, 203.0.113.7\r\n\r\n");
        Assert.Equal(UpgradeRequest.Verdict.Upgrade, verdict);
        Assert.Equal("198.51.100.1, 203.0.113.7", request!.ForwardedFor);
        Assert.Null(Parse($"GET /ws HTTP/1.1\r\n{Headers}\r\n").Request!.ForwardedFor);

        // Two headers are one list to HTTP's forwarded-headers middleware; here they would be a guess.
        Assert.Equal(UpgradeRequest.Verdict.NotOurs, Parse($"GET /ws HTTP/1.1\r\n{Headers}X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n\r\n").Verdict);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GE")]
    [InlineData("GET /ws")]
    [InlineData("GET /ws?access_token=abc HTTP/1.1\r\nHost: x\r\n")]
    public void Should_wait_for_more_of_what_could_still_be_an_upgrade(string start) =>
        Assert.Equal(UpgradeRequest.Verdict.NeedMore, Parse(start).Verdict);

    [Theory]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("POST /ws HTTP/1.1\r\n")]
    [InlineData("GET /wss HTTP/1.1\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\n")]
    [InlineData("GET /healthz/ready HTTP/1.1\r\nHost: x\r\n\r\n")]
    public void Should_leave_other_requests_to_http_at_the_first_bytes(string start) =>
        Assert.Equal(UpgradeRequest.Verdict.NotOurs, Parse(start).Verdict);

    [Theory]
    [InlineData("GET /ws HTTP/1.0\r\n" + Headers + "\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n" + Headers + "Sec-WebSocket-Protocol: chat\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n" + Headers + "Content-Length: 3\r\n\r\nabc")]
    [InlineData("GET /ws HTTP/1.1\r\n" + Headers + "Host: again\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n" + Headers + " folded\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n" + Headers + "X-Latin1: caf\u00e9\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 8\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    public void Should_leave_upgrades_it_is_unsure_of_to_http(string head) =>
        Assert.Equal(UpgradeRequest.Verdict.NotOurs, Parse(head).Verdict);

    [Fact]
    public void Should_leave_heads_longer_than_its_limit_to_http()
    {
        var padding = $"X-Pad: {new string('x', UpgradeRequest.MaxHeadBytes)}\r\n";
        Assert.Equal(UpgradeRequest.Verdict.NotOurs, Parse($"GET /ws HTTP/1.1\r\n{Headers}{padding}").Verdict);
        Assert.Equal(UpgradeRequest.Verdict.NotOurs, Parse($"GET /ws HTTP/1.1\r\n{Headers}{padding}\r\n").Verdict);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
