using System.Collections.Concurrent;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;

namespace CommunityStream.WebRtc.Tests.Dtls;

/// <summary>The stateless first look at a ClientHello: a cookie request, a verified hello, or null for anything else.</summary>
public sealed class DtlsCookieVerifierTests
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private static readonly byte[] ClientId = [127, 0, 0, 1, 0x13, 0x88];

    [Fact]
    public void Should_ask_for_a_cookie_then_verify_the_hello_that_carries_it()
    {
        using var handshaker = new DtlsHandshaker(Certificate, 1, TimeSpan.FromSeconds(30));
        var flights = new BlockingCollection<byte[]>();
        using var client = handshaker.Connect(Certificate.Fingerprint, [SrtpProfile.AeadAes128Gcm], datagram => flights.Add(datagram.ToArray()));
        var verifier = new DtlsCookieVerifier();
        var sender = new CapturingSender();

        Assert.Null(verifier.Verify(ClientId, Take(flights), sender));
        client.Receive(Assert.Single(sender.Sent));

        Assert.NotNull(verifier.Verify(ClientId, Take(flights), sender));
    }

    [Theory]
    [InlineData(0xFE, 0xFE)] // reserved (RFC 6347 §4.1 has FE FF and FE FD): BouncyCastle threw ArgumentException
    [InlineData(0x00, 0x00)]
    public void Should_answer_null_for_a_ClientHello_record_with_a_reserved_version(byte major, byte minor)
    {
        using var handshaker = new DtlsHandshaker(Certificate, 1, TimeSpan.FromSeconds(30));
        var flights = new BlockingCollection<byte[]>();
        using var client = handshaker.Connect(Certificate.Fingerprint, [SrtpProfile.AeadAes128Gcm], datagram => flights.Add(datagram.ToArray()));
        var hello = Take(flights);
        hello[1] = major;
        hello[2] = minor;
        var sender = new CapturingSender();

        Assert.Null(new DtlsCookieVerifier().Verify(ClientId, hello, sender));
        Assert.Empty(sender.Sent);
    }

    private static byte[] Take(BlockingCollection<byte[]> flights) =>
        flights.TryTake(out var datagram, TimeSpan.FromSeconds(30)) ? datagram : throw new TimeoutException("no ClientHello");

    private sealed class CapturingSender : DatagramSender
    {
        public List<byte[]> Sent { get; } = [];

        public int GetSendLimit() => 1200;

        public void Send(byte[] buf, int off, int len) => Sent.Add(buf.AsSpan(off, len).ToArray());

        public void Send(ReadOnlySpan<byte> buffer) => Sent.Add(buffer.ToArray());
    }
}
