using System.Net;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.WebRtc.Tests.Transport;

public sealed class WebRtcTransportOptionsTests
{
    [Fact]
    public void Should_default_to_udp_40000_on_loopback_announcing_the_bind_address()
    {
        var options = new WebRtcTransportOptions();

        Assert.Null(options.Validate());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40000), options.BindEndPoint);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 40001)], options.Candidates(40001));
    }

    [Fact]
    public void Should_announce_configured_public_addresses_instead_of_the_bind_address()
    {
        var options = new WebRtcTransportOptions { BindAddress = "0.0.0.0" };
        options.AnnouncedAddresses.Add("203.0.113.7");
        options.AnnouncedAddresses.Add("192.168.1.7");

        Assert.Null(options.Validate());
        Assert.Equal(["203.0.113.7:40000", "192.168.1.7:40000"], options.Candidates(40000).Select(c => c.ToString()));

        var v6 = new WebRtcTransportOptions { BindAddress = "::" };
        v6.AnnouncedAddresses.Add("2001:db8::7");
        Assert.Null(v6.Validate());
        Assert.Equal(["[2001:db8::7]:40000"], v6.Candidates(40000).Select(c => c.ToString()));
    }

    public static TheoryData<Action<WebRtcTransportOptions>, string> WrongSettings => new()
    {
        { o => o.UdpPort = 70000, "Media:UdpPort" },
        { o => o.BindAddress = "example.com", "Media:BindAddress" },
        { o => o.AnnouncedAddresses.Add("public-ip"), "Media:AnnouncedAddresses" },
        // A wildcard bind would announce 0.0.0.0, which no browser can reach.
        { o => o.BindAddress = "0.0.0.0", "Media:AnnouncedAddresses must be set when Media:BindAddress is 0.0.0.0" },
        { o => o.BindAddress = "::", "Media:AnnouncedAddresses must be set when Media:BindAddress is ::" },
        { o => o.AnnouncedAddresses.Add("0.0.0.0"), "Media:AnnouncedAddresses '0.0.0.0'" },
        // The socket is IPv4 only: an IPv6 candidate would never get a packet.
        { o => o.AnnouncedAddresses.Add("2001:db8::7"), "Media:AnnouncedAddresses '2001:db8::7' is not of the same IP family" },
        { o => o.MaxConcurrentHandshakes = 0, "Media:MaxConcurrentHandshakes" },
        { o => o.ConsentTimeoutSeconds = 1, "Media:ConsentTimeoutSeconds" },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public void Should_name_the_setting_that_is_wrong(Action<WebRtcTransportOptions> set, string named)
    {
        var options = new WebRtcTransportOptions();
        set(options);

        var problem = options.Validate();

        Assert.NotNull(problem);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }
}
