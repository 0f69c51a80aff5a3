using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Tests.Support;

/// <summary>Keeps every formatted line of the Identity module's categories, for asserting how much an attacker can make it log.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("CommunityStream.Identity", StringComparison.Ordinal)
            ? new Capturing(Lines)
            : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Capturing(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
