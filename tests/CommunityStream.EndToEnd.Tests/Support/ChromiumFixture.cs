using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommunityStream.EndToEnd.Tests.Support;

/// <summary>
/// One headless Debian Chromium per test collection, driven by Playwright without its own browser download.
/// Flags from ../shared/TESTING.md: fake camera and microphone, loopback ICE candidates, no mDNS hiding.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private WebApplication? _pages;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>An empty page on http://127.0.0.1: a secure context, so getUserMedia gives the fake devices.</summary>
    public Uri BlankPage { get; private set; } = null!;

    /// <summary>Opens a new tab on <see cref="BlankPage"/>.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(BlankPage.ToString());
        return page;
    }

    /// <summary>Null when Chromium is missing (local runs without it); .ci/run installs it.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Unavailable = $"{ExecutablePath} is not installed (apt-get install -y chromium; .ci/run does it)";
            if (Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_BROWSER") == "1")
            {
                throw new InvalidOperationException(Unavailable);
            }
            return;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _pages = builder.Build();
        _pages.MapGet("/", () => Results.Content("<!doctype html><html><head><title>CommunityStream test</title></head><body></body></html>", "text/html"));
        await _pages.StartAsync();
        BlankPage = new Uri(_pages.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_pages is not null)
        {
            await _pages.DisposeAsync();
        }
    }

    /// <summary>Skips the calling test with the reason when Chromium is not available.</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);
}

[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Chromium";
}
