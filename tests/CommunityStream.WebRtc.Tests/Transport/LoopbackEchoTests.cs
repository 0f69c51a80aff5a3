using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CommunityStream.Testing;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Stun;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.WebRtc.Tests.Transport;

/// <summary>
/// The library used as docs/webrtc.md shows, through its public API only: a server that answers an offer and echoes
/// RTP, and a client (ICE controlling, DTLS client, SRTP) built from the same library, over loopback UDP.
/// </summary>
public sealed class LoopbackEchoTests : IDisposable
{
    private static readonly SrtpProfile[] ClientProfiles = [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1Tag80];

    // The server, as in the sketch of docs/webrtc.md ("Using it outside CommunityStream").
    private readonly DtlsCertificate _certificate = DtlsCertificate.Generate(TimeSpan.FromDays(30));
    private readonly DtlsHandshaker _handshaker;
    private readonly WebRtcEndpoint _endpoint = new(new IPEndPoint(IPAddress.Loopback, 0));

    // The client: its own identity and handshaker, and a plain UDP socket.
    private readonly DtlsCertificate _clientCertificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private readonly DtlsHandshaker _clientHandshaker;
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentQueue<string> _closed = new();

    public LoopbackEchoTests()
    {
        _handshaker = new DtlsHandshaker(_certificate, maxConcurrent: 32, timeout: TimeSpan.FromSeconds(10));
        _clientHandshaker = new DtlsHandshaker(_clientCertificate, maxConcurrent: 1, timeout: TimeSpan.FromSeconds(10));
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public void Dispose()
    {
        _client.Dispose();
        _endpoint.Dispose();
        _handshaker.Dispose();
        _clientHandshaker.Dispose();
    }

    [Fact]
    public async Task Should_echo_RTP_to_a_client_built_from_the_same_library()
    {
        var offer = ChromeOffers.Publish.Replace(
            "a=fingerprint:sha-256 9B:1F:6A:6E:F0:3C:10:7E:2D:2F:AA:C4:05:11:96:3B:8A:1D:0E:57:42:72:3E:25:E9:7F:6E:4C:88:AD:12:34",
            $"a=fingerprint:{_clientCertificate.Fingerprint}",
            StringComparison.Ordinal);
        using var transport = Accept(offer, IPAddress.Loopback, out var answerSdp);
        var answer = SdpParser.Parse(answerSdp).Media[0];

        // a=candidate:<foundation> <component> udp <priority> <address> <port> typ host
        var candidate = answer.Candidates[0].Split(' ');
        var client = new EchoClient(_client, new IPEndPoint(IPAddress.Parse(candidate[4]), int.Parse(candidate[5], CultureInfo.InvariantCulture)));
        client.Start();

        // ICE: one nominating check as the controlling agent (RFC 8445 §7.2.2), signed with the server's password.
        await client.CheckAsync($"{answer.IceUfrag}:Xk3v", StunCredentials.ShortTermKey(answer.IcePwd!));

        // DTLS: the client connects (setup:active) and must find the server's certificate as the answer states it.
        var session = _clientHandshaker.Connect(DtlsFingerprint.Parse(answer.Fingerprint!)!, ClientProfiles, client.Send);
        client.Dtls = session;
        var keys = await session.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        var serverKeys = await transport.Connected.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(keys.Profile, serverKeys.Profile);
        using var outbound = SrtpContext.Create(keys.Profile, keys.LocalKey, keys.LocalSalt);
        client.Inbound = SrtpContext.Create(keys.Profile, keys.RemoteKey, keys.RemoteSalt);

        // SRTP: a packet out, the same packet back.
        var packet = new byte[256];
        var headerLength = RtpHeader.Write(packet, marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 3000, ssrc: 0x1234);
        "echo me"u8.CopyTo(packet.AsSpan(headerLength));
        Assert.True(outbound.TryProtectRtp(packet, headerLength + 7, out var protectedLength));
        var echoed = await client.SendAndReceiveRtpAsync(packet.AsSpan(0, protectedLength).ToArray());

        Assert.True(RtpHeader.TryRead(echoed, out var header));
        Assert.Equal((0x1234u, (ushort)1), (header.Ssrc, header.SequenceNumber));
        Assert.Equal("echo me"u8.ToArray(), echoed[header.HeaderLength..]);
        Assert.Equal(1, transport.PacketsReceived);
        Assert.Equal(_client.LocalEndPoint, transport.SelectedRemote);
        Assert.Empty(_closed);
    }

    // The sketch in docs/webrtc.md, kept compiling here.
    private WebRtcTransport Accept(string offer, IPAddress publicAddress, out string answerSdp)
    {
        var local = IceCredentials.Generate();
        var answer = SdpAnswerer.Answer(offer, new SdpAnswerOptions
        {
            Mode = AnswerMode.Receive,
            IceUfrag = local.Ufrag,
            IcePwd = local.Password,
            Fingerprint = _certificate.Fingerprint,
            Candidates = [new IPEndPoint(publicAddress, _endpoint.LocalEndPoint.Port)],
        });
        var transport = new WebRtcTransport(
            _endpoint, _handshaker, local, answer.RemoteIceUfrag, answer.RemoteFingerprint, consentTimeout: TimeSpan.FromSeconds(30));
        // On the endpoint's receive thread: never block here. This one sends each packet straight back.
        transport.RtpReceived = (from, packet) => from.SendRtp(packet);
        // Consent lost, DTLS failed or disposed; on whichever thread closed it.
        transport.Closed += (_, reason) => _closed.Enqueue(reason);
        answerSdp = answer.Sdp;
        return transport;
    }

    /// <summary>The client's side of the socket: a receive thread that demultiplexes as the endpoint does.</summary>
    private sealed class EchoClient(Socket socket, IPEndPoint server)
    {
        private readonly TaskCompletionSource _checked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<byte[]> _rtp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[] _transactionId = [];

        public DtlsSession? Dtls { get; set; }

        public SrtpContext? Inbound { get; set; }

        public void Start() => new Thread(Receive) { IsBackground = true, Name = "echo-client" }.Start();

        public void Send(ReadOnlyMemory<byte> datagram) => socket.SendTo(datagram.Span, SocketFlags.None, server);

        public async Task CheckAsync(string username, byte[] serverKey)
        {
            var request = new byte[256];
            _transactionId = new byte[StunMessageWriter.TransactionIdLength];
            StunMessageWriter.NewTransactionId(_transactionId);
            var writer = new StunMessageWriter(request, StunMessageType.BindingRequest, _transactionId);
            writer.AddUsername(Encoding.ASCII.GetBytes(username));
            writer.AddPriority(0x6E7F_1EFF);
            writer.AddIceControlling(42);
            writer.AddUseCandidate();
            writer.AddMessageIntegrity(serverKey);
            writer.AddFingerprint();
            Send(request.AsMemory(0, writer.Length));
            await _checked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async Task<byte[]> SendAndReceiveRtpAsync(byte[] protectedPacket)
        {
            Send(protectedPacket);
            return await _rtp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        private void Receive()
        {
            var buffer = new byte[2048];
            while (true)
            {
                int length;
                try
                {
                    length = socket.Receive(buffer);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }
                var datagram = buffer.AsSpan(0, length);
                switch (DatagramClassifier.Classify(datagram))
                {
                    case DatagramKind.Stun when StunMessageReader.TryParse(datagram, out var response)
                        && response.Type == StunMessageType.BindingSuccess && response.TransactionId.SequenceEqual(_transactionId):
                        _checked.TrySetResult();
                        break;
                    case DatagramKind.Dtls:
                        Dtls?.Receive(datagram);
                        break;
                    case DatagramKind.Rtp when Inbound is { } inbound && inbound.TryUnprotectRtp(datagram, length, out var plain):
                        _rtp.TrySetResult(datagram[..plain].ToArray());
                        break;
                }
            }
        }
    }
}
