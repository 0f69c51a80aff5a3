using System.Net;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace CommunityStream.Host.Tests.Http;

/// <summary><c>Http:KnownProxies</c> / <c>Http:KnownNetworks</c> as read at start, and the client address they give.</summary>
public sealed class TrustedProxiesTests : IDisposable
{
    private readonly TempDirectory _workingDirectory = new();

    public void Dispose() => _workingDirectory.Dispose();

    [Fact]
    public void Should_trust_nobody_by_default()
    {
        var proxies = Read().TrustedProxies;

        Assert.True(proxies.IsEmpty);
        Assert.False(proxies.Trusts(IPAddress.Loopback));
        Assert.Equal(IPAddress.Loopback, proxies.ClientOf(IPAddress.Loopback, "203.0.113.7"));
    }

    [Fact]
    public void Should_read_lists_and_comma_separated_values()
    {
        var proxies = Read(
            ("Http:KnownProxies:0", "10.0.0.5"),
            ("Http:KnownProxies:1", "10.0.0.6, 2001:db8::6"),
            ("Http:KnownNetworks", "172.16.0.0/12,fd00::/8")).TrustedProxies;

        Assert.Equal(["10.0.0.5", "10.0.0.6", "2001:db8::6"], proxies.Proxies.Select(p => p.ToString()));
        Assert.Equal(["172.16.0.0/12", "fd00::/8"], proxies.Networks.Select(n => n.ToString()));
        Assert.True(proxies.Trusts(IPAddress.Parse("172.20.1.1")));
        Assert.True(proxies.Trusts(IPAddress.Parse("::ffff:10.0.0.5")));
        Assert.False(proxies.Trusts(IPAddress.Parse("10.0.0.7")));
    }

    [Theory]
    [InlineData("Http:KnownProxies:0", "proxy.example", "CS_Http__KnownProxies")]
    [InlineData("Http:KnownProxies:0", "10", "CS_Http__KnownProxies")]
    [InlineData("Http:KnownNetworks:0", "10.0.0.0", "CS_Http__KnownNetworks")]
    [InlineData("Http:KnownNetworks:0", "10.1.2.3/8", "CS_Http__KnownNetworks")]
    [InlineData("Http:KnownNetworks:0", "10.0.0.0/33", "CS_Http__KnownNetworks")]
    public void Should_reject_what_is_not_an_address_or_a_network_naming_the_setting(string key, string value, string named)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Read((key, value)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // One trusted proxy in front: the address it saw.
    [InlineData("10.0.0.5", "203.0.113.7", "203.0.113.7")]
    // A client that writes its own header: the proxy appends the real peer, which is the one taken.
    [InlineData("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7")]
    // Two proxies in a row (a CDN's edge in the trusted network, then ours): walk past both.
    [InlineData("10.0.0.5", "203.0.113.7, 172.16.0.9", "203.0.113.7")]
    // Ports are allowed, as proxies may add them.
    [InlineData("10.0.0.5", "[2001:db8::7]:5123", "2001:db8::7")]
    // Garbage ends the walk at the last trusted hop, never at an address the client chose.
    [InlineData("10.0.0.5", "203.0.113.7, not-an-ip", "10.0.0.5")]
    // Empty entries are skipped.
    [InlineData("10.0.0.5", "203.0.113.7, ,", "203.0.113.7")]
    // Only proxies in the chain: the leftmost one is the best we know.
    [InlineData("10.0.0.5", "172.16.0.9", "172.16.0.9")]
    // An unknown peer's header is ignored: anyone can write one.
    [InlineData("192.0.2.99", "203.0.113.7", "192.0.2.99")]
    [InlineData("10.0.0.5", null, "10.0.0.5")]
    public void Should_take_the_rightmost_address_that_is_not_a_trusted_proxy(string peer, string? forwardedFor, string client)
    {
        var proxies = new TrustedProxies([IPAddress.Parse("10.0.0.5")], [IPNetwork.Parse("172.16.0.0/12")]);

        Assert.Equal(IPAddress.Parse(client), proxies.ClientOf(IPAddress.Parse(peer), forwardedFor));
    }

    private HostSettings Read(params (string Key, string Value)[] values) =>
        HostSettingsReader.Read(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
            _workingDirectory.Path);
}
