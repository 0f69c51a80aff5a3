using System.Collections.Concurrent;
using CommunityStream.WebRtc;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// DTLS record and handshake headers as they first meet untrusted bytes: the RFC 7983 classifier, then
/// <see cref="DtlsCookieVerifier"/> (BouncyCastle's stateless record header, handshake header and ClientHello parse,
/// RFC 6347 §4.2.1), which the handshaker runs on a first flight before any state exists. Documented failure: null.
/// The seed is a real client's ClientHello with the cookie the verifier handed out.
/// </summary>
internal sealed class DtlsTarget : FuzzTarget
{
    private static readonly byte[] ClientId = [127, 0, 0, 1, 0x13, 0x88];
    private readonly DtlsCookieVerifier _verifier = new();
    private readonly DiscardingSender _sender = new();

    public DtlsTarget() => Seeds = BuildSeeds(_verifier);

    public override string Name => "dtls";

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [22, 0xFE, 0xFD], [22, 0xFE, 0xFF], [20], [21], [23], [0, 0], [0, 1], [0xFF, 0xFF],
        [1], [3], [0x00, 0x0E], [0x00, 0x0D], [0x00, 0x17], [0xFF, 0x01], [0x00, 0x0A], [0x00, 0x2B],
    ];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (DatagramClassifier.Classify(input) != DatagramKind.Dtls)
        {
            return FuzzOutcome.Rejected;
        }
        return _verifier.Verify(ClientId, input, _sender) is null ? FuzzOutcome.Rejected : FuzzOutcome.Accepted;
    }

    private static List<byte[]> BuildSeeds(DtlsCookieVerifier verifier)
    {
        // A real client's first flight, then its second ClientHello carrying the cookie our verifier sent back.
        var certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
        using var handshaker = new DtlsHandshaker(certificate, 1, TimeSpan.FromSeconds(5));
        var flights = new BlockingCollection<byte[]>();
        using var client = handshaker.Connect(certificate.Fingerprint, [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1Tag80], datagram => flights.Add(datagram.ToArray()));
        var first = Take(flights);
        var verifyRequest = new CapturingSender();
        if (verifier.Verify(ClientId, first, verifyRequest) is not null || verifyRequest.Sent is null)
        {
            throw new InvalidOperationException("the verifier did not ask for a cookie");
        }
        client.Receive(verifyRequest.Sent);
        var second = Take(flights);
        if (verifier.Verify(ClientId, second, new DiscardingSender()) is null)
        {
            throw new InvalidOperationException("the client's second ClientHello was not verified");
        }
        return [second];
    }

    private static byte[] Take(BlockingCollection<byte[]> flights) =>
        flights.TryTake(out var datagram, TimeSpan.FromSeconds(10)) ? datagram : throw new TimeoutException("no ClientHello from the DTLS client");

    private class DiscardingSender : DatagramSender
    {
        public int GetSendLimit() => 1200;

        public virtual void Send(byte[] buf, int off, int len)
        {
        }

        public void Send(ReadOnlySpan<byte> buffer) => Send(buffer.ToArray(), 0, buffer.Length);
    }

    private sealed class CapturingSender : DiscardingSender
    {
        public byte[]? Sent { get; private set; }

        public override void Send(byte[] buf, int off, int len) => Sent = buf.AsSpan(off, len).ToArray();
    }
}
