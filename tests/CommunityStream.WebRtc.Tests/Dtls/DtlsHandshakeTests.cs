using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;

namespace CommunityStream.WebRtc.Tests.Dtls;

/// <summary>Our DTLS client against our DTLS server over real loopback UDP: keys, profiles, fingerprints, limits.</summary>
public sealed class DtlsHandshakeTests : IDisposable
{
    // Generous: a loaded 2-core CI machine runs every assembly at once, and DTLS retransmits at 1, 2, 4, 8 s.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate(TimeSpan.FromDays(30));
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate(TimeSpan.FromDays(30));

    private readonly DtlsHandshaker _server = new(ServerCertificate, maxConcurrent: 4, Timeout);
    private readonly DtlsHandshaker _client = new(ClientCertificate, maxConcurrent: 4, Timeout);

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
    }

    [Theory]
    [InlineData(new[] { SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1Tag80 }, SrtpProfile.AeadAes128Gcm)]
    [InlineData(new[] { SrtpProfile.Aes128CmHmacSha1Tag80, SrtpProfile.AeadAes128Gcm }, SrtpProfile.AeadAes128Gcm)]
    [InlineData(new[] { SrtpProfile.Aes128CmHmacSha1Tag80 }, SrtpProfile.Aes128CmHmacSha1Tag80)]
    public async Task Should_agree_on_a_profile_and_export_matching_keys(SrtpProfile[] offered, SrtpProfile expected)
    {
        using var pair = HandshakePair.Start(_server, _client, offered);

        var serverKeys = await pair.Server.Completion.WaitAsync(Timeout);
        var clientKeys = await pair.Client.Completion.WaitAsync(Timeout);

        Assert.Equal(expected, serverKeys.Profile);
        Assert.Equal(expected, clientKeys.Profile);
        Assert.Equal(16, serverKeys.LocalKey.Length);
        Assert.Equal(expected.SaltLength(), serverKeys.LocalSalt.Length);
        // What one side protects with, the other unprotects with.
        Assert.Equal(serverKeys.LocalKey, clientKeys.RemoteKey);
        Assert.Equal(serverKeys.LocalSalt, clientKeys.RemoteSalt);
        Assert.Equal(clientKeys.LocalKey, serverKeys.RemoteKey);
        Assert.Equal(clientKeys.LocalSalt, serverKeys.RemoteSalt);
        Assert.NotEqual(serverKeys.LocalKey, serverKeys.RemoteKey);
    }

    [Fact]
    public async Task Should_answer_the_first_ClientHello_with_a_HelloVerifyRequest_cookie()
    {
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm]);
        await pair.Server.Completion.WaitAsync(Timeout);

        // DTLS record: content type 22 (handshake) at byte 0, handshake type at byte 13; 3 = hello_verify_request.
        lock (pair.ServerSocket.Sent)
        {
            Assert.Equal(22, pair.ServerSocket.Sent[0][0]);
            Assert.Equal(3, pair.ServerSocket.Sent[0][13]);
        }
    }

    [Fact]
    public async Task Should_reject_a_client_whose_certificate_does_not_match_the_offer_fingerprint()
    {
        var wrong = DtlsCertificate.Generate(TimeSpan.FromDays(1)).Fingerprint;
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm], serverExpects: wrong);

        var alert = await Assert.ThrowsAsync<TlsFatalAlert>(() => pair.Server.Completion.WaitAsync(Timeout));
        Assert.Equal(AlertDescription.bad_certificate, alert.AlertDescription);
        // The client hears about it through the alert instead of waiting for its timeout.
        var heard = await Assert.ThrowsAnyAsync<TlsException>(() => pair.Client.Completion.WaitAsync(Timeout));
        Assert.Contains("bad_certificate", heard.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_a_server_whose_certificate_does_not_match_the_answer_fingerprint()
    {
        var wrong = DtlsCertificate.Generate(TimeSpan.FromDays(1)).Fingerprint;
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm], clientExpects: wrong);

        var alert = await Assert.ThrowsAsync<TlsFatalAlert>(() => pair.Client.Completion.WaitAsync(Timeout));
        Assert.Equal(AlertDescription.bad_certificate, alert.AlertDescription);
    }

    [Fact]
    public async Task Should_refuse_a_client_without_the_extended_master_secret()
    {
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm], offerExtendedMasterSecret: false);

        var alert = await Assert.ThrowsAsync<TlsFatalAlert>(() => pair.Server.Completion.WaitAsync(Timeout));
        Assert.Equal(AlertDescription.handshake_failure, alert.AlertDescription);
    }

    [Fact]
    public async Task Should_complete_despite_lost_flights_by_retransmitting()
    {
        var dropped = 0;
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm], dropServerFlight: _ => Interlocked.Increment(ref dropped) == 2);

        var keys = await pair.Client.Completion.WaitAsync(Timeout);

        Assert.Equal(SrtpProfile.AeadAes128Gcm, keys.Profile);
        Assert.True(dropped > 2, "the server retransmitted after a lost datagram");
    }

    [Fact]
    public async Task Should_answer_a_retransmitted_final_flight_after_the_handshake_and_then_go_idle()
    {
        // The server's Finished (a handshake record in epoch 1) is lost once: the server is done, the client is
        // not, and only the server's completed session can answer the client's retransmitted final flight.
        var finishedLost = 0;
        using var pair = HandshakePair.Start(_server, _client, [SrtpProfile.AeadAes128Gcm],
            dropServerFlight: datagram => IsEpochOneHandshake(datagram) && Interlocked.Exchange(ref finishedLost, 1) == 0);

        await pair.Server.Completion.WaitAsync(Timeout);
        var keys = await pair.Client.Completion.WaitAsync(Timeout);

        Assert.Equal(SrtpProfile.AeadAes128Gcm, keys.Profile);
        Assert.True(pair.Server.ReceivedAfterHandshake > 0, "the client retransmitted its final flight to the finished server");
        // Answering the late flight must end: a drain that never returns holds a thread-pool thread and a core.
        Assert.True(SpinWait.SpinUntil(() => !pair.Server.IsDraining && pair.Server.Pending == 0, Timeout), "the server's late-datagram drain went idle");
    }

    [Fact]
    public async Task Should_end_a_handshake_when_its_session_is_disposed_instead_of_waiting_for_its_timeout()
    {
        // A timeout far beyond the wait below: a handshake that only ends at its timeout fails this test.
        using var patient = new DtlsHandshaker(ServerCertificate, maxConcurrent: 1, TimeSpan.FromMinutes(5));
        var session = patient.AcceptServer([1, 2, 3], ClientCertificate.Fingerprint, _ => { }, requireCookie: false);
        Assert.True(SpinWait.SpinUntil(() => patient.Running == 1, Timeout), "the handshake started");

        session.Dispose();

        Assert.True(SpinWait.SpinUntil(() => patient.Running == 0, Timeout), "the handshake thread ended when its session was disposed");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.Completion.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Should_fail_when_the_peer_never_answers()
    {
        using var quick = new DtlsHandshaker(ClientCertificate, maxConcurrent: 1, TimeSpan.FromSeconds(2));
        using var silent = new UdpLoopbackPeer();
        using var socket = new UdpLoopbackPeer();

        using var session = quick.Connect(ServerCertificate.Fingerprint, [SrtpProfile.AeadAes128Gcm], socket.SenderTo(silent.EndPoint));

        await Assert.ThrowsAsync<TlsTimeoutException>(() => session.Completion.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Should_run_at_most_the_configured_number_of_handshakes_at_once()
    {
        using var server = new DtlsHandshaker(ServerCertificate, maxConcurrent: 2, Timeout);
        // Queued handshakes wait for a slot while their clients keep retransmitting, so the clients' own
        // timeout must outlast the queue: 8 handshakes through 2 slots on a loaded CI machine can take a while.
        using var patientClient = new DtlsHandshaker(ClientCertificate, maxConcurrent: 8, TimeSpan.FromSeconds(90));
        var pairs = Enumerable.Range(0, 8).Select(_ => HandshakePair.Start(server, patientClient, [SrtpProfile.AeadAes128Gcm])).ToList();
        try
        {
            await Task.WhenAll(pairs.Select(p => p.Client.Completion)).WaitAsync(TimeSpan.FromSeconds(120));

            Assert.All(pairs, p => Assert.True(p.Server.Completion.IsCompletedSuccessfully));
            Assert.InRange(server.PeakRunning, 1, 2);
        }
        finally
        {
            pairs.ForEach(p => p.Dispose());
        }
    }

    // DTLS record header: content type 22 (handshake) at byte 0, epoch at bytes 3-4.
    private static bool IsEpochOneHandshake(byte[] datagram) => datagram.Length > 13 && datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 1;
}
