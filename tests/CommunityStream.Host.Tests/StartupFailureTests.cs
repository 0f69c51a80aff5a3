using System.Net;
using System.Net.Sockets;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Startup;

namespace CommunityStream.Host.Tests;

/// <summary>The one line printed when Kestrel cannot bind: it names the setting of the listener that failed.</summary>
public sealed class StartupFailureTests
{
    private static readonly AdminSettings Admin = new("http://127.0.0.1:9110", IPAddress.Loopback, 9110, AllowRemote: false, ApiKey: null);

    [Fact]
    public void Should_name_Admin_Url_when_the_admin_port_is_taken_between_the_check_and_the_bind()
    {
        var failure = new IOException("Failed to bind to address http://127.0.0.1:9110: address already in use.", new SocketException((int)SocketError.AddressAlreadyInUse));

        var line = StartupFailure.Describe(failure, Admin);

        Assert.Contains("Admin:Url", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Http:Url", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_Http_Url_when_another_port_is_taken()
    {
        var failure = new IOException("Failed to bind to address http://127.0.0.1:8080: address already in use.", new SocketException((int)SocketError.AddressAlreadyInUse));

        var line = StartupFailure.Describe(failure, Admin);

        Assert.Contains("Http:Url", line, StringComparison.Ordinal);
    }
}
