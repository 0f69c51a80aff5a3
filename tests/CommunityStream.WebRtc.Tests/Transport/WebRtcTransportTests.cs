using System.Net;
using System.Net.Sockets;
using System.Text;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Stun;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.WebRtc.Tests.Transport;

/// <summary>The ICE-lite side of the transport over real loopback UDP: checks, errors, nomination, consent, hostile input.</summary>
public sealed class WebRtcTransportTests : IDisposable
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private readonly WebRtcEndpoint _endpoint = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DtlsHandshaker _handshaker = new(Certificate, 2, TimeSpan.FromSeconds(5));
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IceCredentials _local = IceCredentials.Generate();

    public WebRtcTransportTests()
    {
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    private IPEndPoint ClientEndPoint => (IPEndPoint)_client.LocalEndPoint!;

    public void Dispose()
    {
        _endpoint.Dispose();
        _handshaker.Dispose();
        _client.Dispose();
    }

    [Fact]
    public void Should_answer_a_valid_nominating_check_and_select_its_pair()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));

        var response = Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));

        Assert.True(StunMessageReader.TryParse(response, out var reader));
        Assert.Equal(StunMessageType.BindingSuccess, reader.Type);
        Assert.True(reader.VerifyMessageIntegrity(_local.IntegrityKey));
        Assert.True(reader.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(ClientEndPoint, mapped);
        Assert.Equal(ClientEndPoint, transport.SelectedRemote);
    }

    [Fact]
    public void Should_switch_the_selected_pair_on_a_nominating_check_from_a_new_address()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));
        using var roamed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        roamed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));

        // The client moved networks (RFC 8445 §8.1.1): its nominated check from the new address wins.
        Exchange(roamed, Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));
        Assert.Equal(roamed.LocalEndPoint, transport.SelectedRemote);

        // A plain consent check from the old address keeps the new selection.
        Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: false));
        Assert.Equal(roamed.LocalEndPoint, transport.SelectedRemote);
    }

    [Theory]
    [InlineData("wrong-password-0123456789", 401)]
    public void Should_refuse_a_check_with_the_wrong_password(string password, int expected)
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));

        var response = Exchange(Check($"{_local.Ufrag}:peer", password, useCandidate: true));

        Assert.True(StunMessageReader.TryParse(response, out var reader));
        Assert.True(reader.TryGetErrorCode(out var code, out _));
        Assert.Equal(expected, code);
        Assert.Null(transport.SelectedRemote);
    }

    [Fact]
    public void Should_answer_a_peer_that_also_claims_the_controlled_role_with_487()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));

        var response = Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: false, controlled: true));

        Assert.True(StunMessageReader.TryParse(response, out var reader));
        Assert.True(reader.TryGetErrorCode(out var code, out _));
        Assert.Equal(StunErrorCode.RoleConflict, code);
    }

    [Fact]
    public async Task Should_close_when_consent_is_not_refreshed()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(2));
        var closed = new TaskCompletionSource<string>();
        transport.Closed += (_, reason) => closed.TrySetResult(reason);

        Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));

        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("consent", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_survive_random_datagrams_and_drop_what_no_transport_claims()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));
        Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(7983);
        var buffer = new byte[1300];

        for (var i = 0; i < 3000; i++)
        {
            var length = random.Next(1, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            // Cover each RFC 7983 range: STUN, DTLS, RTP/RTCP, and the gaps. The peer's own address sends no
            // DTLS garbage: a broken handshake from the selected pair legitimately closes its transport.
            var fromPeer = i % 2 == 1;
            buffer[0] = (byte)((i % 4) switch { 0 => random.Next(0, 4), 1 => random.Next(128, 192), 2 => random.Next(20, 64), _ => random.Next(64, 128) });
            (fromPeer ? _client : stranger).SendTo(buffer.AsSpan(0, length), _endpoint.LocalEndPoint);
        }

        // Still alive and still answering; the stranger's datagrams were dropped, never handed to the transport.
        var response = Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: false));
        Assert.True(StunMessageReader.TryParse(response, out var reader));
        Assert.Equal(StunMessageType.BindingSuccess, reader.Type);
        // Some of the blast may be lost in the kernel's socket buffer; what arrived from the stranger was dropped.
        Assert.True(_endpoint.Dropped > 0, $"dropped {_endpoint.Dropped}");
        Assert.Equal(0, transport.DtlsReceived);
        Assert.Equal(ClientEndPoint, transport.SelectedRemote);
    }

    [Fact]
    public void Should_discard_responses_and_indications_addressed_to_a_live_session_unanswered()
    {
        using var transport = NewTransport(TimeSpan.FromSeconds(30));
        Exchange(Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: true));
        var discardedBefore = _endpoint.StunDiscarded;

        // RFC 8489 §6.3: a response to no request of ours, and indications, get no answer at all, not a 400.
        _client.SendTo(Unsolicited(StunMessageType.BindingSuccess, $"{_local.Ufrag}:peer", _local.Password), _endpoint.LocalEndPoint);
        _client.SendTo(Unsolicited(StunMessageType.BindingError, $"{_local.Ufrag}:peer", _local.Password), _endpoint.LocalEndPoint);
        _client.SendTo(Unsolicited(StunMessageType.BindingIndication, $"{_local.Ufrag}:peer", _local.Password), _endpoint.LocalEndPoint);
        var check = Check($"{_local.Ufrag}:peer", _local.Password, useCandidate: false);
        _client.SendTo(check, _endpoint.LocalEndPoint);

        // The endpoint handles one socket's datagrams in order: anything said to the first three would arrive before
        // the answer to the check, so the first datagram back must be that answer (the check alone is retransmitted).
        _client.ReceiveTimeout = 1000;
        var buffer = new byte[1500];
        var length = 0;
        for (var attempt = 0; length == 0; attempt++)
        {
            try
            {
                length = _client.Receive(buffer);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut && attempt < 10)
            {
                _client.SendTo(check, _endpoint.LocalEndPoint);
            }
        }
        Assert.True(StunMessageReader.TryParse(buffer.AsSpan(0, length), out var reader));
        Assert.Equal(StunMessageType.BindingSuccess, reader.Type);
        Assert.True(reader.TransactionId.SequenceEqual(check.AsSpan(8, 12)), "the first answer is not the answer to the check");
        Assert.Equal(3, _endpoint.StunDiscarded - discardedBefore);
        Assert.False(transport.IsClosed);
        Assert.Equal(ClientEndPoint, transport.SelectedRemote);
    }

    private static byte[] Unsolicited(StunMessageType type, string username, string password)
    {
        var buffer = new byte[512];
        var transactionId = new byte[12];
        Random.Shared.NextBytes(transactionId);
        var writer = new StunMessageWriter(buffer, type, transactionId);
        writer.AddUsername(Encoding.ASCII.GetBytes(username));
        if (type == StunMessageType.BindingError)
        {
            writer.AddErrorCode(StunErrorCode.BadRequest);
        }
        else if (type == StunMessageType.BindingSuccess)
        {
            writer.AddXorMappedAddress(IPAddress.Loopback, 9);
        }
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        writer.AddFingerprint();
        return buffer[..writer.Length];
    }

    private WebRtcTransport NewTransport(TimeSpan consent) =>
        new(_endpoint, _handshaker, _local, "peer", Certificate.Fingerprint, consent);

    // Like a real ICE agent, retransmit the check (RFC 8445 §14.3): a blast can overflow the kernel's socket buffer.
    private byte[] Exchange(byte[] request) => Exchange(_client, request);

    private byte[] Exchange(Socket client, byte[] request)
    {
        client.ReceiveTimeout = 500;
        var buffer = new byte[1500];
        for (var attempt = 0; attempt < 10; attempt++)
        {
            client.SendTo(request, _endpoint.LocalEndPoint);
            try
            {
                while (true)
                {
                    var length = client.Receive(buffer);
                    // Skip anything that is not the STUN reply to this request (e.g. a DTLS flight).
                    if (length >= 20 && buffer[0] < 4 && buffer.AsSpan(8, 12).SequenceEqual(request.AsSpan(8, 12)))
                    {
                        return buffer[..length];
                    }
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
                // Retransmit.
            }
        }
        throw new TimeoutException("no STUN response after 10 transmissions");
    }

    private static byte[] Check(string username, string password, bool useCandidate, bool controlled = false)
    {
        var buffer = new byte[512];
        var transactionId = new byte[12];
        Random.Shared.NextBytes(transactionId);
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        writer.AddUsername(Encoding.ASCII.GetBytes(username));
        writer.AddPriority(0x6e7f1eff);
        if (controlled)
        {
            writer.AddIceControlled(42);
        }
        else
        {
            writer.AddIceControlling(42);
        }
        if (useCandidate)
        {
            writer.AddUseCandidate();
        }
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        writer.AddFingerprint();
        return buffer[..writer.Length];
    }
}
