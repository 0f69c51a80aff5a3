using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityStream.WebBudget;

/// <summary>
/// (c) The watch page under a chat flood: <see cref="Posters"/> accounts post <see cref="MessagesPerSecond"/> messages a
/// second in total for <see cref="Duration"/> (a bounded count) to the channel's room over the chat WebSocket, while
/// a viewer's page is open on <c>/c/{channel}</c>. The page measures itself: the gaps between animation frames
/// (a smooth page draws about every 16.7 ms), long tasks (over 50 ms on the main thread), the chat log's length
/// and the page's element count before and after, and whether the last message posted reached the log.
/// </summary>
internal static class ChatFloodProbe
{
    public const int Posters = 5;
    public const int MessagesPerSecond = 50;
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);

    private const string Instrument = """
        (() => {
          window.__flood = { gaps: [], longTasks: [], measuring: false };
          let last = 0;
          const frame = (t) => { if (window.__flood.measuring && last) window.__flood.gaps.push(t - last); last = t; requestAnimationFrame(frame); };
          requestAnimationFrame(frame);
          try {
            new PerformanceObserver((list) => { if (window.__flood.measuring) for (const e of list.getEntries()) window.__flood.longTasks.push(e.duration); })
              .observe({ type: 'longtask', buffered: false });
          } catch { /* no long-task API */ }
        })();
        """;

    private const string Snapshot = """
        () => ({ items: document.querySelectorAll('#chat-log li').length, elements: document.getElementsByTagName('*').length,
                 heap: performance.memory ? performance.memory.usedJSHeapSize : 0 })
        """;

    public sealed record Result(int Sent, bool LastShown, int ItemsAfter, int ElementsBefore, int ElementsAfter, long HeapBefore, long HeapAfter,
        double GapP50, double GapP99, double GapMax, int LongTasks, double LongTaskMs);

    public static async Task<Result> MeasureAsync(IBrowser browser, Uri site, string channel)
    {
        var tokens = await PostersAsync(site);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
        await context.AddInitScriptAsync(Instrument);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/c/{channel}");
        await page.WaitForFunctionAsync("() => document.querySelector('#chat-input') !== null", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        var before = await page.EvaluateAsync<JsonElement>(Snapshot);
        await page.EvaluateAsync("() => { window.__flood.measuring = true; }");

        var total = (int)(MessagesPerSecond * Duration.TotalSeconds);
        var lastText = await FloodAsync(site, channel, tokens, total);
        var shown = true;
        try
        {
            await page.WaitForFunctionAsync("text => [...document.querySelectorAll('#chat-log li .text')].some(e => e.textContent === text)", lastText,
                new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            shown = false;
        }
        await page.EvaluateAsync("() => { window.__flood.measuring = false; }");
        var after = await page.EvaluateAsync<JsonElement>(Snapshot);
        var gaps = (await page.EvaluateAsync<double[]>("() => window.__flood.gaps")).Order().ToList();
        var longTasks = await page.EvaluateAsync<double[]>("() => window.__flood.longTasks");
        return new Result(total, shown, after.GetProperty("items").GetInt32(), before.GetProperty("elements").GetInt32(), after.GetProperty("elements").GetInt32(),
            before.GetProperty("heap").GetInt64(), after.GetProperty("heap").GetInt64(),
            FirstFrameProbe.Percentile(gaps, 50), FirstFrameProbe.Percentile(gaps, 99), gaps.Count > 0 ? gaps[^1] : 0, longTasks.Length, longTasks.Sum());
    }

    /// <summary>Registers and signs in the posters (the bench Host raises the per-user rate limit for them).</summary>
    private static async Task<List<string>> PostersAsync(Uri site)
    {
        using var http = new HttpClient { BaseAddress = site };
        var tokens = new List<string>();
        for (var i = 1; i <= Posters; i++)
        {
            var name = $"flood{i}_{RandomNumberGenerator.GetHexString(4, lowercase: true)}";
            var password = "Wb-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            using (var register = await http.PostAsJsonAsync("/api/auth/register", new { username = name, email = $"{name}@example.test", password }))
            {
                register.EnsureSuccessStatusCode();
            }
            using var login = await http.PostAsJsonAsync("/api/auth/login", new { login = name, password });
            login.EnsureSuccessStatusCode();
            tokens.Add((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
        }
        return tokens;
    }

    /// <summary>Posts <paramref name="total"/> messages round-robin over the posters at the target rate; returns the last text.</summary>
    private static async Task<string> FloodAsync(Uri site, string channel, List<string> tokens, int total)
    {
        var sockets = new List<ClientWebSocket>();
        try
        {
            foreach (var token in tokens)
            {
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(new Uri($"ws://{site.Authority}/ws?access_token={Uri.EscapeDataString(token)}"), CancellationToken.None);
                await SendAsync(socket, new { type = "join", room = channel, history = 0 });
                sockets.Add(socket);
                _ = DrainAsync(socket);
            }
            var started = DateTime.UtcNow;
            var text = "";
            for (var i = 0; i < total; i++)
            {
                // Pace by the clock, not by sleeps that add up: message i is due at i / rate seconds.
                var due = started + TimeSpan.FromSeconds(i / (double)MessagesPerSecond);
                if (due > DateTime.UtcNow)
                {
                    await Task.Delay(due - DateTime.UtcNow);
                }
                text = i % 10 == 0 ? $"flood {i} :fire: @webbudget" : string.Create(CultureInfo.InvariantCulture, $"flood message {i} with some ordinary chat text");
                await SendAsync(sockets[i % sockets.Count], new { type = "send", room = channel, text, clientId = $"f-{i}" });
            }
            return text;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    private static Task SendAsync(ClientWebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    // The server's replies (acks, the flood itself) are read and dropped, so the posters never become slow consumers.
    private static async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the bench closed it
        }
    }
}
