using System.Text.Json;
using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// The WHEP player's decisions (js/player/whep-player.js) in Chromium, with the server's answers scripted through a
/// stubbed fetch: 401 → the viewer's token, 503 → wait Retry-After, 404 → offline and a slow status poll (no WHEP
/// requests) until the channel is live again. The peer connection is Chromium's own.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PlayerLogicTests(BrowserFixture browser) : IAsyncLifetime
{
    private InProcessNode _node = null!;
    private IBrowserContext? _context;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
        await _node.DisposeAsync();
    }

    [SkippableFact]
    public async Task The_player_uses_the_token_when_refused_waits_Retry_After_and_polls_the_status_while_offline()
    {
        browser.SkipIfUnavailable();
        _context = await browser.NewContextAsync(_node.BaseAddress);
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/login");
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const assets = new URL(document.querySelector('link[rel=stylesheet]').href).pathname.replace(/\/css\/.*$/, '');
              const { WhepPlayer } = await import(assets + '/js/player/whep-player.js');
              const calls = [];
              const problem = (status, headers = {}) => new Response(JSON.stringify({ title: 'x', status }), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });
              // The server's answers, in order: private, node full (Retry-After 1 s), offline; then the status says
              // offline once, then live; then WHEP says offline again.
              const whep = [problem(401), problem(503, { 'Retry-After': '1' }), problem(404), problem(404)];
              const status = [{ live: false }, { live: true }];
              const realFetch = window.fetch;
              window.fetch = async (url, init = {}) => {
                const path = new URL(String(url), location.href).pathname;
                calls.push({ path, method: init.method ?? 'GET', auth: init.headers?.Authorization ?? null, t: performance.now() });
                if (path === '/whep/x') return whep.shift() ?? problem(404);
                if (path === '/api/streams/x') return new Response(JSON.stringify(status.shift() ?? { live: false }), { status: 200, headers: { 'Content-Type': 'application/json' } });
                return realFetch(url, init);
              };
              const states = [];
              const tokens = [];
              const player = new WhepPlayer(document.createElement('video'), { channel: 'x', offlinePollMs: 100, token: async (force) => { tokens.push(force); return 'viewer-token'; } });
              player.addEventListener('state', (e) => states.push(e.detail.state));
              try {
                player.start();
                for (let i = 0; i < 1000 && calls.filter(c => c.path === '/whep/x').length < 4; i++) await new Promise(r => setTimeout(r, 10));
              } finally {
                player.stop();
                window.fetch = realFetch;
              }
              return JSON.stringify({ calls, states, tokens });
            }
            """);
        var r = JsonDocument.Parse(json).RootElement;
        var calls = r.GetProperty("calls").EnumerateArray()
            .Select(c => (Path: c.GetProperty("path").GetString(), Method: c.GetProperty("method").GetString(), Auth: c.GetProperty("auth").GetString(), T: c.GetProperty("t").GetDouble()))
            .ToList();
        Assert.Equal(
            ["POST /whep/x", "POST /whep/x", "POST /whep/x", "GET /api/streams/x", "GET /api/streams/x", "POST /whep/x"],
            calls.Select(c => $"{c.Method} {c.Path}").ToArray());
        Assert.Null(calls[0].Auth); // public first: no waiting for the session
        Assert.Equal("Bearer viewer-token", calls[1].Auth); // 401: the viewer's token
        Assert.True(calls[2].T - calls[1].T >= 1000, $"retried after {calls[2].T - calls[1].T} ms despite Retry-After: 1");
        Assert.Equal("Bearer viewer-token", calls[5].Auth);
        Assert.Contains("offline", r.GetProperty("states").EnumerateArray().Select(s => s.GetString()));
        // The token is asked for once on the 401 and then for every attempt (fresh each time), never forcing a refresh
        // while the one it has is accepted.
        Assert.Equal([false, false, false, false], r.GetProperty("tokens").EnumerateArray().Select(t => t.GetBoolean()).ToArray());
    }
}
