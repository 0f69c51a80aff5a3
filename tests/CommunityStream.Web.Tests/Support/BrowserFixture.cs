using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Support;

/// <summary>
/// One headless Debian Chromium for the web app's browser tests, driven by Playwright without its own browser
/// download (../shared/TESTING.md). Each test opens its own contexts (separate cookie jars: separate users).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

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
                // Muted autoplay is allowed anyway; this lets a test assert that unmuted audio plays too.
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
    }

    /// <summary>A fresh browser context (its own cookies and storage) on <paramref name="baseAddress"/>.</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseAddress, int width = 1280, int height = 800) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = ["camera", "microphone"],
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    /// <summary>Skips the calling test with the reason when Chromium is not available.</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);
}

[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
