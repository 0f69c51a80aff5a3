using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Host.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Tests.Storage.Journal;

/// <summary>
/// "Durable before ack" on the node's own SQLite journal: a node killed with SIGKILL while rooms write loses no
/// acknowledged message, and a write the journal cannot commit is answered with an error, never an ack.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class JournalDurabilityTests
{
    private const string Password = "Correct-Horse-42";
    private const int Rooms = 6;
    private const int KillAfterAcks = 120;
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(5);
    private static readonly string[] Arguments =
    [
        "--Identity:Admin:Username", "root", "--Identity:Admin:Email", "root@example.test", "--Identity:Admin:Password", Password,
        "--Logging:LogLevel:Default", "Warning", "--Chat:RateLimitMessages", "100000",
        "--Identity:Throttle:IpAttemptsPerMinute", "1000",
    ];

    [Fact]
    public async Task Should_keep_every_acknowledged_message_when_the_node_is_killed_while_rooms_write()
    {
        using var data = new TempDirectory();
        var rooms = Enumerable.Range(0, Rooms).Select(i => $"killroom{i}").ToList();
        var acked = rooms.ToDictionary(r => r, _ => new List<(long Offset, string Text)>());
        var host = HostProcess.Start(data.Path, Arguments);
        try
        {
            await host.WaitReadyAsync(Start);
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            var token = await LoginAsync(http);
            foreach (var room in rooms)
            {
                await CreateRoomAsync(http, token, room);
            }
            var total = 0;
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = rooms.Select(async room =>
            {
                using var socket = await ChatSocket.ConnectAsync(new Uri($"ws://{host.BaseAddress.Authority}/ws?access_token={Uri.EscapeDataString(token)}"));
                await socket.JoinAsync(room);
                // Bounded: at most 200 posts a room; the kill comes long before.
                for (var i = 0; i < 200 && !killed.Task.IsCompleted; i++)
                {
                    var text = $"{room} message {i}";
                    if (await socket.PostAsync(room, text, $"{room}-{i}", Reply) is not { } reply)
                    {
                        return;
                    }
                    if (reply.GetProperty("type").GetString() == "ack")
                    {
                        lock (acked)
                        {
                            acked[room].Add((reply.GetProperty("offset").GetInt64(), text));
                        }
                        if (Interlocked.Increment(ref total) == KillAfterAcks)
                        {
                            // SIGKILL while the other rooms' posts are in flight: no drain, no checkpoint, no close.
                            Process.GetProcessById(host.Id).Kill();
                            killed.TrySetResult();
                        }
                    }
                }
            }).ToList();
            await Task.WhenAll(writers).WaitAsync(Start);
            Assert.True(killed.Task.IsCompleted, "the node was killed while rooms wrote");
        }
        finally
        {
            await host.DisposeAsync();
        }

        await using var restarted = HostProcess.Start(data.Path, Arguments);
        await restarted.WaitReadyAsync(Start);
        using var readBack = new HttpClient { BaseAddress = restarted.BaseAddress };
        foreach (var room in rooms)
        {
            var history = await HistoryAsync(readBack, room);
            Assert.All(acked[room], message => Assert.Contains(message, history));
        }
        Assert.True(acked.Values.Sum(a => a.Count) >= KillAfterAcks);
    }

    [Fact]
    public async Task Should_answer_unavailable_and_acknowledge_nothing_while_the_journal_cannot_commit_a_rooms_writes()
    {
        using var data = new TempDirectory();
        await using var node = await InProcessNode.StartOnAsync(data, "--Chat:RateLimitMessages", "100000");
        var token = await node.CreateAdminAsync("root");
        await node.CreateRoomAsync(token, "poisoned");
        await node.CreateRoomAsync(token, "healthy");
        using var socket = await ChatSocket.ConnectAsync(node.WebSocketUri(token));
        await socket.JoinAsync("poisoned");
        using var other = await ChatSocket.ConnectAsync(node.WebSocketUri(token));
        await other.JoinAsync("healthy");
        var database = $"Data Source={Path.Combine(data.Path, "communitystream.db")}";
        await ExecuteAsync(database,
            "CREATE TRIGGER poison BEFORE INSERT ON journal WHEN NEW.persistence_id = 'room-poisoned' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");

        var refused = await socket.PostAsync("poisoned", "lost", "c-1", Reply);
        var accepted = await other.PostAsync("healthy", "kept", "c-2", Reply);

        Assert.Equal("error", refused?.GetProperty("type").GetString());
        Assert.Equal("unavailable", refused?.GetProperty("code").GetString());
        Assert.Equal("ack", accepted?.GetProperty("type").GetString());
        await ExecuteAsync(database, "DROP TRIGGER poison;");
        // The room recovered from the journal: the refused message is not there, the next one is.
        var retried = await socket.PostAsync("poisoned", "stored", "c-3", Reply);
        Assert.Equal("ack", retried?.GetProperty("type").GetString());
        Assert.Equal([(1L, "stored")], await HistoryAsync(node.Http, "poisoned"));
    }

    private static async Task<string> LoginAsync(HttpClient http)
    {
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { login = "root", password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task CreateRoomAsync(HttpClient http, string token, string room)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new { name = room, anonymousRead = true }) };
        request.Headers.Authorization = new("Bearer", token);
        using var created = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static async Task<List<(long Offset, string Text)>> HistoryAsync(HttpClient http, string room)
    {
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/rooms/{room}/messages?limit=100");
        return [.. page.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("offset").GetInt64(), m.GetProperty("text").GetString()!))];
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000; " + sql;
        await command.ExecuteNonQueryAsync();
    }
}
