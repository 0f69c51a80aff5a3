using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Cli.Tests.Support;

/// <summary>Keeps the formatted messages of one logger category, for asserting what an audit trail says.</summary>
public sealed class CapturingLoggerProvider(string category) : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => categoryName == category ? new Capturing(Messages) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Capturing(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
