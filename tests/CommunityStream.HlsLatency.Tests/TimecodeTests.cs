using Microsoft.Playwright;

namespace CommunityStream.HlsLatency.Tests;

/// <summary>
/// The latency bench's on-frame timecode (Pages/timecode.js) in real headless Chromium: the encode/decode math, the
/// CRC's rejection of misread cells, and the drawn grid read back through lossy JPEG compression and scaling. No
/// timing is asserted.
/// </summary>
public sealed class TimecodeTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            if (Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_BROWSER") == "1")
            {
                throw new InvalidOperationException($"{Chromium} is not installed");
            }
            return;
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        });
        _page = await _browser.NewPageAsync();
        await _page.SetContentAsync("<!doctype html><canvas id=c width=640 height=360></canvas>");
        await _page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = PageAssets.Read("timecode.js") });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    private IPage Page
    {
        get
        {
            Skip.If(_page is null, $"{Chromium} is not installed");
            return _page!;
        }
    }

    [SkippableFact]
    public async Task Decoding_an_encoded_timecode_gives_it_back_across_the_48_bit_range()
    {
        var values = new List<long> { 0, 1, 2, (1L << 47) - 1, 1L << 47, (1L << 48) - 1, 1_796_624_264_021 };
        var random = new Random(18);
        values.AddRange(Enumerable.Range(0, 200).Select(_ => random.NextInt64(0, 1L << 48)));
        var decoded = await Page.EvaluateAsync<long[]>("values => values.map(v => Timecode.decode(Timecode.encode(v)))", values.Select(v => (double)v).ToArray());
        Assert.Equal(values, decoded);
        var cells = await Page.EvaluateAsync<int[]>("() => Timecode.encode(5)");
        Assert.Equal(64, cells.Length);
        Assert.Equal(1, cells[47]); // most significant first: 5 = ...101 ends the 48 data cells
        Assert.Equal(0, cells[46]);
        Assert.Equal(1, cells[45]);
    }

    [SkippableFact]
    public async Task Every_single_misread_cell_is_rejected_by_the_crc()
    {
        var accepted = await Page.EvaluateAsync<int>("""
            () => {
              let accepted = 0;
              for (const v of [0, 1796624264021, 2 ** 48 - 1]) {
                const bits = Timecode.encode(v);
                for (let i = 0; i < bits.length; i++) {
                  const bad = bits.slice();
                  bad[i] ^= 1;
                  if (Timecode.decode(bad) !== null) accepted++;
                }
              }
              return accepted;
            }
            """);
        Assert.Equal(0, accepted);
        Assert.Null(await Page.EvaluateAsync<long?>("() => Timecode.decode([1, 0, 1])"));
    }

    [SkippableFact]
    public async Task Values_outside_48_bits_or_not_integers_are_refused()
    {
        foreach (var bad in new[] { "-1", "2 ** 48", "1.5", "NaN" })
        {
            var error = await Page.EvaluateAsync<string>($"() => {{ try {{ Timecode.encode({bad}); return ''; }} catch (e) {{ return e.name; }} }}");
            Assert.Equal("RangeError", error);
        }
    }

    [SkippableFact]
    public async Task A_drawn_grid_reads_back_after_heavy_jpeg_compression_and_scaling()
    {
        // As on a frame: the grid at (20, 20) in 40 px cells on a grey frame, compressed hard, shrunk to half and
        // stretched back (a viewer drawing a lower-resolution frame to its 640 x 360 canvas).
        var results = await Page.EvaluateAsync<double[]>("""
            async () => {
              const out = [];
              const canvas = document.getElementById('c');
              const ctx = canvas.getContext('2d', { willReadFrequently: true });
              for (const value of [0, 1796624264021, 2 ** 48 - 1, 123456789012]) {
                ctx.fillStyle = '#808080';
                ctx.fillRect(0, 0, 640, 360);
                Timecode.draw(ctx, value, 20, 20, 40);
                const jpeg = new Image();
                jpeg.src = canvas.toDataURL('image/jpeg', 0.1);
                await jpeg.decode();
                const small = new OffscreenCanvas(320, 180);
                small.getContext('2d').drawImage(jpeg, 0, 0, 320, 180);
                ctx.clearRect(0, 0, 640, 360);
                ctx.drawImage(small, 0, 0, 640, 360);
                out.push(Timecode.decode(Timecode.read(ctx.getImageData(0, 0, 360, 360), 20, 20, 40)) ?? -1);
              }
              return out;
            }
            """);
        Assert.Equal([0, 1_796_624_264_021, (1L << 48) - 1, 123_456_789_012], results.Select(r => (long)r));
    }
}
