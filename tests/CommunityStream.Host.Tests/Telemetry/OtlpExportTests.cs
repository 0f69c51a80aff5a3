using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CommunityStream.Host.Tests.Telemetry;

/// <summary>
/// OTLP export is off unless <c>Telemetry:OtlpEndpoint</c> is set: by default no tracer exists (spans cost nothing);
/// with the setting a real HTTP collector on loopback receives the node's spans and metrics.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Should_register_no_tracer_and_export_nothing_by_default()
    {
        await using var node = await InProcessNode.StartAsync();

        Assert.Null(node.App.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Should_send_spans_and_metrics_to_the_configured_collector()
    {
        using var collector = new FakeCollector();
        await using var node = await InProcessNode.StartAsync("--Telemetry:OtlpEndpoint", collector.Address.ToString(),
            "--OTEL_METRIC_EXPORT_INTERVAL", "1000");
        Assert.NotNull(node.App.Services.GetService<TracerProvider>());

        using var response = await node.Http.GetAsync("/api/rooms");
        await Eventually.True(() => collector.Paths.Contains("/v1/traces"), TimeSpan.FromSeconds(30), "spans at the collector");
        await Eventually.True(() => collector.Paths.Contains("/v1/metrics"), TimeSpan.FromSeconds(30), "metrics at the collector");
    }

    /// <summary>An OTLP/HTTP collector that accepts everything and remembers which paths were posted to.</summary>
    private sealed class FakeCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, int> _paths = new(StringComparer.Ordinal);

        public FakeCollector()
        {
            Address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Address { get; }

        public ICollection<string> Paths => _paths.Keys;

        public void Dispose() => _listener.Close();

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                if (context.Request.HttpMethod == "POST" && context.Request.ContentLength64 > 0)
                {
                    _paths.TryAdd(context.Request.Url!.AbsolutePath, 0);
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }
}
