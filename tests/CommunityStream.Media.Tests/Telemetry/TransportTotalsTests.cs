using System.Net;
using CommunityStream.Media.Telemetry;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Tests.Telemetry;

public sealed class TransportTotalsTests : IDisposable
{
    private readonly DtlsCertificate _certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private readonly DtlsHandshaker _handshaker;
    private readonly WebRtcEndpoint _endpoint = new(new IPEndPoint(IPAddress.Loopback, 0));

    public TransportTotalsTests() => _handshaker = new DtlsHandshaker(_certificate, maxConcurrent: 1, timeout: TimeSpan.FromSeconds(5));

    [Fact]
    public void Should_let_go_of_a_closed_transport_even_when_nobody_reads_the_totals()
    {
        var totals = new TransportTotals();
        using var open = NewTransport();
        var closing = NewTransport();
        totals.Track(open);
        totals.Track(closing);
        Assert.Equal(2, totals.LiveCount);

        closing.Dispose();

        // Without a scrape: a node nobody monitors must not keep every ended session alive.
        Assert.Equal(1, totals.LiveCount);
        Assert.Equal(default, totals.Read());
    }

    [Fact]
    public void Should_retire_a_transport_that_closed_before_it_was_tracked()
    {
        var totals = new TransportTotals();
        var closed = NewTransport();
        closed.Dispose();

        totals.Track(closed);

        Assert.Equal(0, totals.LiveCount);
    }

    public void Dispose()
    {
        _endpoint.Dispose();
        _handshaker.Dispose();
    }

    private WebRtcTransport NewTransport() =>
        new(_endpoint, _handshaker, IceCredentials.Generate(), "remote", _certificate.Fingerprint, TimeSpan.FromSeconds(30));
}
