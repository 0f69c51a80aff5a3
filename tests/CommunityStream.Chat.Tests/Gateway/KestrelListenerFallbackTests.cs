using System.Net;
using CommunityStream.Chat.Gateway.Accept;
using CommunityStream.Chat.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// With Chat's own accept path off (Chat:AcceptSocketsItself=false), the public listener is bound by Kestrel's socket
/// transport (the any-address with ListenAnyIP's IPv4 fallback): an IP literal, 0.0.0.0 and an any-host name all bind
/// and serve chat upgrades, none taken by Chat's acceptor.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class KestrelListenerFallbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://chat-node.invalid:0")]
    public async Task Should_bind_and_serve_on_kestrels_transport_when_chat_does_not_accept_sockets_itself(string url)
    {
        await using var node = await InProcessNode.StartAsync("--Http:Url", url, "--Chat:AcceptSocketsItself", "false");
        var acceptor = node.App.Services.GetServices<IConnectionListenerFactory>().OfType<ChatAcceptListenerFactory>().Single().Acceptor;

        using var client = await RawSocket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, node.BaseAddress.Port), IPAddress.Parse("127.0.0.13"));
        await client.SendAsync(RawSocket.UpgradeHead);
        Assert.StartsWith("HTTP/1.1 101", await client.ReadHeadAsync(Wait), StringComparison.Ordinal);
        Assert.Equal(0, acceptor.Taken);
    }
}
