using System.Text.Json;
using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// Unit tests of the chat client's pure logic, run in Chromium on the real modules as the Host serves them
/// (<c>/assets/{build}/js/chat/…</c>, imported with <c>import()</c> into a page of the app): the room state's merge of
/// history, recovery and live frames (dedup by offset, order, epoch change), moderation events, the capped log view,
/// text parsing, error wording and backoff. No Node toolchain.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ChatStateTests(BrowserFixture browser) : IAsyncLifetime
{
    private InProcessNode _node = null!;
    private IBrowserContext? _context;
    private IPage _page = null!;
    private string _assets = "";

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync();
        if (browser.Unavailable is not null)
        {
            return;
        }
        _context = await browser.NewContextAsync(_node.BaseAddress);
        _page = await _context.NewPageAsync();
        await _page.GotoAsync("/login");
        // The page's own stylesheet link names the build's asset prefix.
        _assets = await _page.EvaluateAsync<string>("() => new URL(document.querySelector('link[rel=stylesheet]').href).pathname.replace(/\\/css\\/.*$/, '')");
        Assert.StartsWith("/assets/", _assets, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
        await _node.DisposeAsync();
    }

    /// <summary>Runs <paramref name="body"/> with <c>S</c> = state.js imported, and returns what it returns (as JSON).</summary>
    private async Task<JsonElement> RunAsync(string body)
    {
        browser.SkipIfUnavailable();
        var script = $$"""
            async (assets) => {
              const S = await import(assets + '/js/chat/state.js');
              const msg = (offset, text = 'm' + offset, name = 'bob') => ({ offset, id: 'id-' + offset, author: { id: 'u-' + name, name }, text, time: '2026-12-01T10:00:00Z' });
              const live = (offset, text, epoch = 'e1') => ({ type: 'message', room: 'alice', epoch, ...msg(offset, text) });
              const offsets = (s) => s.messages.map(m => m.offset);
              const result = await (async () => { {{body}} })();
              return JSON.stringify(result);
            }
            """;
        var json = await _page.EvaluateAsync<string>(script, _assets);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    [SkippableFact]
    public async Task Recovery_appends_only_what_came_after_our_offset_and_drops_repeats()
    {
        var r = await RunAsync("""
            const s = S.createRoomState('alice');
            const first = S.recoveryPoint(s);
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 3, recovered: false, messages: [msg(1), msg(2), msg(3)], presence: { count: 4 }, settings: { slowSeconds: 0 } });
            S.applyFrame(s, live(4));
            const point = S.recoveryPoint(s);
            // Reconnected: the recovery range starts after 4, but a live frame of 4 and 5 raced it.
            S.applyFrame(s, live(5));
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 7, recovered: true, messages: [msg(5), msg(6), msg(7)] });
            S.applyFrame(s, live(7));
            S.applyFrame(s, live(8));
            return { first, point, offsets: offsets(s), last: s.lastOffset, viewers: s.viewers };
            """);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("first").ValueKind);
        Assert.Equal("e1", r.GetProperty("point").GetProperty("epoch").GetString());
        Assert.Equal(4, r.GetProperty("point").GetProperty("offset").GetInt32());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], Ints(r.GetProperty("offsets")));
        Assert.Equal(8, r.GetProperty("last").GetInt32());
        Assert.Equal(4, r.GetProperty("viewers").GetInt32());
    }

    [SkippableFact]
    public async Task A_message_is_identified_by_its_offset_whatever_order_or_repeats_it_arrives_in()
    {
        var r = await RunAsync("""
            const s = S.createRoomState('alice');
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 0, recovered: false, messages: [] });
            const changes = [live(3, 'three'), live(1, 'one'), live(3, 'three again'), live(2, 'two'), live(1, 'one again')].map(f => S.applyFrame(s, f));
            // Frames of another room, another epoch and malformed ones change nothing.
            const ignored = [
              S.applyFrame(s, { ...live(9), room: 'bob' }),
              S.applyFrame(s, live(10, 'x', 'e-other')),
              S.applyFrame(s, { type: 'message', room: 'alice', offset: 'x', text: 'bad' }),
              S.applyFrame(s, { type: 'message', room: 'alice', offset: 11 }),
            ];
            return { changes, ignored, offsets: offsets(s), texts: s.messages.map(m => m.text), last: s.lastOffset };
            """);
        Assert.Equal([true, true, false, true, false], r.GetProperty("changes").EnumerateArray().Select(e => e.GetBoolean()).ToArray());
        Assert.All(r.GetProperty("ignored").EnumerateArray(), e => Assert.False(e.GetBoolean()));
        Assert.Equal([1, 2, 3], Ints(r.GetProperty("offsets")));
        Assert.Equal(["one", "two", "three"], r.GetProperty("texts").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(3, r.GetProperty("last").GetInt32());
    }

    [SkippableFact]
    public async Task Another_epoch_or_a_gap_beyond_retention_replaces_the_log_with_the_tail()
    {
        var r = await RunAsync("""
            const s = S.createRoomState('alice');
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 40, recovered: false, messages: [msg(38), msg(39), msg(40)] });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'delete', offset: 2 });
            // History was lost: the room's new epoch restarts offsets; our 38..40 mean nothing there.
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e2', offset: 2, recovered: false, messages: [msg(1, 'new one'), msg(2, 'new two')] });
            const afterEpoch = { offsets: offsets(s), last: s.lastOffset, point: S.recoveryPoint(s), texts: s.messages.map(m => m.text) };
            // Same epoch but too far behind: recovered:false with the recent tail, which replaces what we had.
            S.applyFrame(s, live(3, 'x', 'e2'));
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e2', offset: 2000, recovered: false, messages: [msg(1999), msg(2000)] });
            return { afterEpoch, offsets: offsets(s), last: s.lastOffset };
            """);
        var afterEpoch = r.GetProperty("afterEpoch");
        Assert.Equal([1, 2], Ints(afterEpoch.GetProperty("offsets")));
        // A delete of offset 2 in the old epoch does not hide the new epoch's message 2.
        Assert.Equal(["new one", "new two"], afterEpoch.GetProperty("texts").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(2, afterEpoch.GetProperty("last").GetInt32());
        Assert.Equal("e2", afterEpoch.GetProperty("point").GetProperty("epoch").GetString());
        Assert.Equal([1999, 2000], Ints(r.GetProperty("offsets")));
        Assert.Equal(2000, r.GetProperty("last").GetInt32());
    }

    [SkippableFact]
    public async Task Delete_and_clear_hide_messages_even_when_the_message_arrives_after_the_event()
    {
        var r = await RunAsync("""
            const s = S.createRoomState('alice');
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 5, recovered: false, messages: [1, 2, 3, 4, 5].map(o => msg(o)) });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'delete', offset: 4, by: 'alice' });
            const deleted = s.messages.find(m => m.offset === 4);
            // A delete for a message we have not seen yet (it comes with a recovery): it never shows.
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'delete', offset: 7, by: 'alice' });
            S.applyFrame(s, live(6));
            S.applyFrame(s, live(7, 'secret'));
            const afterLate = offsets(s);
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'clear', offset: 6, by: 'alice' });
            const afterClear = offsets(s);
            // A recovery that still carries a cleared message does not bring it back.
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 8, recovered: true, messages: [msg(5), msg(8)] });
            return { deleted: { flag: deleted.deleted, text: deleted.text }, afterLate, afterClear, offsets: offsets(s) };
            """);
        Assert.True(r.GetProperty("deleted").GetProperty("flag").GetBoolean());
        Assert.Equal("", r.GetProperty("deleted").GetProperty("text").GetString());
        Assert.Equal([1, 2, 3, 4, 5, 6], Ints(r.GetProperty("afterLate")));
        Assert.Empty(Ints(r.GetProperty("afterClear")));
        Assert.Equal([8], Ints(r.GetProperty("offsets")));
    }

    [SkippableFact]
    public async Task Bans_timeouts_and_settings_change_what_we_may_do()
    {
        var r = await RunAsync("""
            const now = 1_000_000;
            const s = S.createRoomState('alice', { me: 'Bob' });
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 0, recovered: false, messages: [], settings: { slowSeconds: 0, membersOnly: false, emoteOnly: false, anonymousRead: true } });
            const before = S.postBlocker(s, now);
            const otherBan = S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'ban', user: 'carol' }, now);
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'timeout', user: 'bob', seconds: 600 }, now);
            const timedOut = { blocker: S.postBlocker(s, now), until: s.timedOutUntil, later: S.postBlocker(s, now + 601_000) };
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'ban', user: 'BOB' }, now);
            const banned = S.postBlocker(s, now);
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'unban', user: 'bob' }, now);
            const unbanned = S.postBlocker(s, now);
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'slow', seconds: 30 });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'members_only', enabled: true });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'emote_only', enabled: true });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'settings', anonymousRead: false });
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'add_moderator', user: 'Dave' });
            S.applyFrame(s, { type: 'error', code: 'timed_out', retryAfterMs: 5000 }, now);
            const errorTimeout = s.timedOutUntil;
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'close', reason: 'x' });
            const anonymous = S.postBlocker(S.createRoomState('alice'), now);
            return { before, otherBan, timedOut, banned, unbanned, settings: s.settings, moderators: s.moderators, errorTimeout, closed: S.postBlocker(s, now + 10_000), anonymous };
            """);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("before").ValueKind);
        Assert.False(r.GetProperty("otherBan").GetBoolean());
        Assert.Equal("timed_out", r.GetProperty("timedOut").GetProperty("blocker").GetString());
        Assert.Equal(1_600_000, r.GetProperty("timedOut").GetProperty("until").GetInt64());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("timedOut").GetProperty("later").ValueKind);
        Assert.Equal("banned", r.GetProperty("banned").GetString());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("unbanned").ValueKind);
        var settings = r.GetProperty("settings");
        Assert.Equal(30, settings.GetProperty("slowSeconds").GetInt32());
        Assert.True(settings.GetProperty("membersOnly").GetBoolean());
        Assert.True(settings.GetProperty("emoteOnly").GetBoolean());
        Assert.False(settings.GetProperty("anonymousRead").GetBoolean());
        Assert.Equal(["dave"], r.GetProperty("moderators").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(1_005_000, r.GetProperty("errorTimeout").GetInt64());
        Assert.Equal("room_closed", r.GetProperty("closed").GetString());
        Assert.Equal("anonymous", r.GetProperty("anonymous").GetString());
    }

    [SkippableFact]
    public async Task The_state_keeps_the_newest_messages_and_the_log_view_draws_at_most_that_many()
    {
        var r = await RunAsync("""
            const { ChatLogView } = await import(assets + '/js/chat/log-view.js');
            const s = S.createRoomState('alice', { keep: 200, me: 'carol' });
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 0, recovered: false, messages: [] });
            const list = document.createElement('ol');
            list.style.cssText = 'height:200px;overflow:auto';
            document.body.append(list);
            const view = new ChatLogView(list, { emotes: new Map([['wave', '/x/wave.svg']]) });
            let frames = 0;
            for (let o = 1; o <= 500; o++) {
              S.applyFrame(s, live(o, o === 450 ? 'hi @carol :wave: <b>bold</b>' : 'm' + o));
              view.show(s);
              if (o % 100 === 0) { await new Promise(r => requestAnimationFrame(r)); frames++; }
            }
            await new Promise(r => requestAnimationFrame(r));
            await new Promise(r => requestAnimationFrame(r));
            const items = [...list.querySelectorAll('li.chat-message')];
            const mention = items.find(li => li.dataset.offset === '450').classList.contains('mention');
            const emoteAlt = items.find(li => li.dataset.offset === '450').querySelector('img.emote')?.alt;
            const boldElements = list.querySelectorAll('b').length;
            const olderIgnored = S.applyFrame(s, live(10));
            S.applyFrame(s, { type: 'mod_event', room: 'alice', action: 'delete', offset: 450 });
            view.flush();
            const deleted = list.querySelector('li[data-offset="450"]');
            const result = {
              stateCount: s.messages.length, first: s.messages[0].offset, items: items.length,
              firstItem: Number(items[0].dataset.offset), lastItem: Number(items.at(-1).dataset.offset),
              olderIgnored, mention, emoteAlt, boldElements,
              deletedFlag: deleted.dataset.deleted, deletedText: deleted.querySelector('.text').textContent,
              secretGone: !list.textContent.includes('bold'), author: items[0].querySelector('.author').textContent,
            };
            list.remove();
            return result;
            """);
        Assert.Equal(200, r.GetProperty("stateCount").GetInt32());
        Assert.Equal(301, r.GetProperty("first").GetInt32());
        Assert.Equal(200, r.GetProperty("items").GetInt32());
        Assert.Equal(301, r.GetProperty("firstItem").GetInt32());
        Assert.Equal(500, r.GetProperty("lastItem").GetInt32());
        Assert.False(r.GetProperty("olderIgnored").GetBoolean());
        Assert.True(r.GetProperty("mention").GetBoolean());
        Assert.Equal(":wave:", r.GetProperty("emoteAlt").GetString());
        Assert.Equal(0, r.GetProperty("boldElements").GetInt32()); // text stays text
        Assert.Equal("true", r.GetProperty("deletedFlag").GetString());
        Assert.Equal("message deleted", r.GetProperty("deletedText").GetString());
        Assert.True(r.GetProperty("secretGone").GetBoolean());
        Assert.Equal("bob", r.GetProperty("author").GetString());
    }

    [SkippableFact]
    public async Task The_log_follows_new_messages_only_while_the_reader_is_at_the_bottom()
    {
        var r = await RunAsync("""
            const { ChatLogView } = await import(assets + '/js/chat/log-view.js');
            const s = S.createRoomState('alice');
            S.applyFrame(s, { type: 'joined', room: 'alice', epoch: 'e1', offset: 0, recovered: false, messages: [] });
            const list = document.createElement('ol');
            list.style.cssText = 'height:100px;overflow:auto;display:block';
            document.body.append(list);
            const counts = [];
            const view = new ChatLogView(list, { onNewBelow: (n) => counts.push(n) });
            const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
            for (let o = 1; o <= 30; o++) S.applyFrame(s, live(o));
            view.show(s); await frame();
            const atBottom = Math.abs(list.scrollHeight - list.scrollTop - list.clientHeight) < 2;
            // The reader scrolls up: new messages do not move the log, a counter says how many came.
            list.scrollTop = 0;
            list.dispatchEvent(new Event('scroll'));
            for (let o = 31; o <= 35; o++) S.applyFrame(s, live(o));
            view.show(s); await frame();
            const stayed = list.scrollTop === 0;
            const unseen = counts.at(-1);
            view.scrollToBottom();
            const back = Math.abs(list.scrollHeight - list.scrollTop - list.clientHeight) < 2;
            list.remove();
            return { atBottom, stayed, unseen, back, last: counts.at(-1) };
            """);
        Assert.True(r.GetProperty("atBottom").GetBoolean());
        Assert.True(r.GetProperty("stayed").GetBoolean());
        Assert.Equal(5, r.GetProperty("unseen").GetInt32());
        Assert.True(r.GetProperty("back").GetBoolean());
        Assert.Equal(0, r.GetProperty("last").GetInt32());
    }

    [SkippableFact]
    public async Task Text_errors_and_backoff_are_what_the_panel_shows_and_waits()
    {
        var r = await RunAsync("""
            const T = await import(assets + '/js/chat/text.js');
            const E = await import(assets + '/js/chat/errors.js');
            const { Backoff } = await import(assets + '/js/chat/backoff.js');
            const emotes = new Map([['wave', '/e/wave.svg']]);
            const parts = T.parseText('hey @Bob :wave: :nope: mail@bob.test @carol', emotes, 'bob');
            const b = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 1 });
            const delays = [b.next(), b.next(), b.next(), b.next(), b.next(), b.next(20000)];
            const low = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 0 }).next();
            return {
              parts,
              slow: E.describeError({ code: 'slow_mode', retryAfterMs: 6200 }),
              rate: E.describeError({ code: 'rate_limited', retryAfterMs: 4200 }),
              banned: E.describeError({ code: 'banned' }),
              timedOut: E.describeError({ code: 'timed_out', retryAfterMs: 60000 }, { now: 0 }),
              clock: E.clock(60000),
              tooLong: E.describeError({ code: 'message_too_long' }, { maxMessageLength: 500 }),
              anonymous: E.describeError({ code: 'forbidden' }, { signedIn: false }),
              delays, low,
            };
            """);
        var parts = r.GetProperty("parts").EnumerateArray().ToArray();
        Assert.Equal(["text", "mention", "text", "emote", "text", "mention"], parts.Select(p => p.GetProperty("kind").GetString()!).ToArray());
        Assert.True(parts[1].GetProperty("me").GetBoolean());
        Assert.Equal("/e/wave.svg", parts[3].GetProperty("url").GetString());
        Assert.Equal(" :nope: mail@bob.test ", parts[4].GetProperty("text").GetString());
        Assert.False(parts[5].GetProperty("me").GetBoolean());
        Assert.Equal("Slow mode: you can send again in 7 s", r.GetProperty("slow").GetString());
        Assert.Equal("Slow down: too many messages. Try again in 5 s", r.GetProperty("rate").GetString());
        Assert.Equal("You are banned from this chat", r.GetProperty("banned").GetString());
        Assert.Equal("You are timed out until " + r.GetProperty("clock").GetString(), r.GetProperty("timedOut").GetString());
        Assert.Contains("500", r.GetProperty("tooLong").GetString(), StringComparison.Ordinal);
        Assert.Equal("Sign in to chat", r.GetProperty("anonymous").GetString());
        Assert.Equal([1000, 2000, 4000, 8000, 8000, 20000], Ints(r.GetProperty("delays")));
        Assert.Equal(500, r.GetProperty("low").GetInt32());
    }

    /// <summary>Runs <paramref name="body"/> with the chat client over a scripted WebSocket (<c>FakeSocket</c>, <c>C</c> = client.js).</summary>
    private Task<JsonElement> RunClientAsync(string body) => RunAsync($$"""
        const C = await import(assets + '/js/chat/client.js');
        class FakeSocket {
          static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
          static all = [];
          constructor(url) { this.url = url; this.readyState = 0; this.sent = []; FakeSocket.all.push(this); setTimeout(() => { this.readyState = 1; }, 0); }
          send(data) { this.sent.push(JSON.parse(data)); }
          close(code = 1000) { this.readyState = 3; }
          // The server's side: several frames in one message, newline-separated, as the protocol allows.
          serve(...frames) { this.onmessage?.({ data: frames.map(f => JSON.stringify(f)).join('\n') }); }
          drop(code, reason = '') { this.readyState = 3; this.onclose?.({ code, reason }); }
        }
        const realSocket = window.WebSocket;
        window.WebSocket = FakeSocket;
        const until = async (what, condition) => {
          for (let i = 0; i < 300; i++) { if (condition()) return; await new Promise(r => setTimeout(r, 10)); }
          throw new Error('timed out waiting for ' + what);
        };
        const welcome = { type: 'welcome', v: 1, user: { name: 'bob' }, limits: { maxMessageLength: 500 } };
        let tokens = 0;
        const signedOut = [];
        let refreshFails = false;
        const auth = { token: async () => 'tok-' + tokens, freshToken: async () => refreshFails ? null : 'tok-' + (++tokens), signedOut: (reason) => signedOut.push(reason) };
        const statuses = [];
        try {
          {{body}}
        } finally {
          window.WebSocket = realSocket;
        }
        """);

    [SkippableFact]
    public async Task The_client_recovers_after_a_drop_and_resends_an_unacknowledged_message_with_its_clientId()
    {
        var r = await RunClientAsync("""
            const client = new C.ChatClient('alice', auth, { url: 'ws://test/ws' });
            client.start();
            await until('a socket', () => FakeSocket.all.length === 1 && FakeSocket.all[0].readyState === 1);
            const s1 = FakeSocket.all[0];
            s1.serve(welcome);
            const firstJoin = s1.sent[0];
            s1.serve({ type: 'joined', room: 'alice', epoch: 'e1', offset: 2, recovered: false, messages: [msg(1), msg(2)], ref: firstJoin.ref },
                     live(3));
            const sending = client.send('hello');
            const sent = s1.sent.find(f => f.type === 'send');
            // The socket drops before the ack (slow consumer): reconnect, recover from offset 3, send again.
            s1.drop(4008);
            await until('a second socket', () => FakeSocket.all.length === 2 && FakeSocket.all[1].readyState === 1);
            const s2 = FakeSocket.all[1];
            s2.serve(welcome);
            const rejoin = s2.sent[0];
            s2.serve({ type: 'joined', room: 'alice', epoch: 'e1', offset: 4, recovered: true, messages: [msg(3), { ...msg(4, 'hello'), author: { id: 'u-bob', name: 'bob' } }], ref: rejoin.ref });
            const resent = s2.sent.find(f => f.type === 'send');
            s2.serve({ type: 'ack', room: 'alice', clientId: sent.clientId, offset: 4, duplicate: true, ref: resent.ref }, live(4, 'hello'));
            const ack = await sending;
            client.stop();
            return { url: s1.url, firstJoin, rejoin, sent, resent, ack, pending: client.pending.size, offsets: offsets(client.state) };
            """);
        Assert.Equal("ws://test/ws?access_token=tok-0", r.GetProperty("url").GetString());
        Assert.False(r.GetProperty("firstJoin").TryGetProperty("recover", out _));
        var recover = r.GetProperty("rejoin").GetProperty("recover");
        Assert.Equal("e1", recover.GetProperty("epoch").GetString());
        Assert.Equal(3, recover.GetProperty("offset").GetInt32());
        var clientId = r.GetProperty("sent").GetProperty("clientId").GetString();
        Assert.StartsWith("m-", clientId, StringComparison.Ordinal);
        Assert.Equal(clientId, r.GetProperty("resent").GetProperty("clientId").GetString());
        Assert.Equal("hello", r.GetProperty("resent").GetProperty("text").GetString());
        Assert.True(r.GetProperty("ack").GetProperty("duplicate").GetBoolean());
        Assert.Equal(0, r.GetProperty("pending").GetInt32());
        Assert.Equal([1, 2, 3, 4], Ints(r.GetProperty("offsets")));
    }

    [SkippableFact]
    public async Task The_client_follows_the_close_codes_advice()
    {
        var r = await RunClientAsync("""
            const client = new C.ChatClient('alice', auth, { url: 'ws://test/ws' });
            client.addEventListener('status', (e) => statuses.push(e.detail.message ?? ''));
            client.start();
            const socket = async (n) => { await until('socket ' + n, () => FakeSocket.all.length === n && FakeSocket.all[n - 1].readyState === 1); const s = FakeSocket.all[n - 1]; s.serve(welcome); return s; };
            // A join the room did not answer in time is tried again on the same socket.
            const s1 = await socket(1);
            s1.serve({ type: 'error', code: 'unavailable', message: 'later', ref: s1.sent[0].ref });
            await until('the join again', () => s1.sent.filter(f => f.type === 'join').length === 2);
            s1.serve({ type: 'joined', room: 'alice', epoch: 'e1', offset: 0, recovered: false, messages: [], ref: s1.sent[1].ref });
            // 4001 token_expired: a fresh token, and straight back.
            s1.drop(4001, 'token_expired');
            const s2 = await socket(2);
            // 4001 session_revoked (e.g. a password change in another tab of this browser): one refresh that works,
            // and back with its token, still signed in.
            s2.drop(4001, 'session_revoked');
            const s3 = await socket(3);
            // 4001 session_revoked when the refresh fails too: signed out, back as an anonymous reader.
            refreshFails = true;
            s3.drop(4001, 'session_revoked');
            const s4 = await socket(4);
            // 4003 account_disabled (on a socket that had signed in again): signed out, not back with that account.
            refreshFails = false;
            tokens = 5;
            client.reconnectNow();
            const s5 = await socket(5);
            s5.drop(4003, 'account_disabled');
            const s6 = await socket(6);
            // 4029 abuse: stay away for at least 30 s.
            s6.drop(4029);
            const afterAbuse = statuses.at(-1);
            const sockets = FakeSocket.all.length;
            client.stop();
            return { urls: FakeSocket.all.map(s => s.url), signedOut, afterAbuse, sockets, joins: s1.sent.filter(f => f.type === 'join').length };
            """);
        Assert.Equal(2, r.GetProperty("joins").GetInt32());
        var urls = r.GetProperty("urls").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["ws://test/ws?access_token=tok-0", "ws://test/ws?access_token=tok-1", "ws://test/ws?access_token=tok-2", "ws://test/ws", "ws://test/ws?access_token=tok-5", "ws://test/ws"], urls);
        Assert.Equal(["session_revoked", "account_disabled"], r.GetProperty("signedOut").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Matches("^Reconnecting in (3[0-9]|[4-9][0-9]) s$", r.GetProperty("afterAbuse").GetString());
        Assert.Equal(6, r.GetProperty("sockets").GetInt32());
    }
}
