using System.Net;
using CommunityStream.WebRtc.Transport;
using Microsoft.Extensions.Configuration;

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
        var options = Bind(("Media:BindAddress", "0.0.0.0"), ("Media:AnnouncedAddresses:0", "203.0.113.7"), ("Media:AnnouncedAddresses:1", "2001:db8::7"));

        Assert.Null(options.Validate());
        Assert.Equal(["203.0.113.7:40000", "[2001:db8::7]:40000"], options.Candidates(40000).Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("Media:UdpPort", "70000", "Media:UdpPort")]
    [InlineData("Media:BindAddress", "example.com", "Media:BindAddress")]
    [InlineData("Media:AnnouncedAddresses:0", "public-ip", "Media:AnnouncedAddresses")]
    [InlineData("Media:MaxConcurrentHandshakes", "0", "Media:MaxConcurrentHandshakes")]
    [InlineData("Media:ConsentTimeoutSeconds", "1", "Media:ConsentTimeoutSeconds")]
    public void Should_name_the_setting_that_is_wrong(string key, string value, string named)
    {
        var problem = Bind((key, value)).Validate();

        Assert.NotNull(problem);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    private static WebRtcTransportOptions Bind(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        var options = new WebRtcTransportOptions();
        configuration.GetSection(WebRtcTransportOptions.Section).Bind(options);
        return options;
    }
}
