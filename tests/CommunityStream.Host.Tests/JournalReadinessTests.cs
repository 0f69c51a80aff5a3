using System.Net;
using System.Text.Json;
using Akka.Actor;
using CommunityStream.Host.Tests.Support;
using Npgsql;

namespace CommunityStream.Host.Tests;

/// <summary>Readiness follows the journal's circuit breaker, which a database that answers <c>SELECT 1</c> does not show.</summary>
[Collection(SerialHostTests.Name)]
public sealed class JournalReadinessTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Should_report_not_ready_while_the_journal_circuit_breaker_is_open()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var node = await InProcessNode.StartAsync("--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", postgres.ConnectionString);
        await Eventually.Until(() => ReadyStatusAsync(node), status => status == HttpStatusCode.OK, ReadyTimeout, "ready");

        // Every journal insert now fails at once, while reads and SELECT 1 still succeed.
        await ExecuteAsync(postgres, """
            CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'journal writes refused by the test'; END $$;
            CREATE TRIGGER refuse_journal_writes BEFORE INSERT ON journal FOR EACH ROW EXECUTE FUNCTION refuse_writes();
            """);
        // Waves of failed writes, more at once than the breaker's max-failures (10), until it opens: the readiness
        // probe's own successful reads reset the failure count, so on a busy machine one wave may not be enough.
        var wave = 0;
        var checks = await Eventually.Until(async () =>
        {
            var first = wave++ * 30;
            for (var i = first; i < first + 30; i++)
            {
                var id = $"breaker-{i}";
                node.System.ActorOf(Props.Create(() => new CounterActor(id))).Tell(new CounterActor.Add(1));
            }
            return await ReadyChecksAsync(node);
        }, c => c["journal-breaker"] != "Healthy", ReadyTimeout, "the journal-breaker check to fail");
        using var live = await node.Http.GetAsync(new Uri("/healthz/live", UriKind.Relative));

        Assert.Contains("circuit breaker open", checks["journal-breaker"], StringComparison.Ordinal);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyStatusAsync(node));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(InProcessNode node)
    {
        using var response = await node.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        return response.StatusCode;
    }

    // Each check's status, with the description appended when it is not healthy.
    private static async Task<Dictionary<string, string>> ReadyChecksAsync(InProcessNode node)
    {
        using var response = await node.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            check => check.GetProperty("name").GetString()!,
            check => check.GetProperty("status").GetString() == "Healthy"
                ? "Healthy"
                : $"{check.GetProperty("status").GetString()}: {check.GetProperty("description").GetString()}");
    }

    private static async Task ExecuteAsync(TestPostgres postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
