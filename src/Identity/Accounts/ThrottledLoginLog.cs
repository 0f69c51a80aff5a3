using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Accounts;

/// <summary>
/// The warning lines of throttled and locked logins, bounded so an attacker cannot grow the log at will: in each
/// minute the first line per key (a client address) is written, at most <see cref="LinesPerWindow"/> in all; the rest
/// are counted, and one summary line with that count follows when the minute is over (at the next throttled login, or
/// the minute timer, whichever comes first). The metrics still count every refusal.
/// </summary>
internal sealed class ThrottledLoginLog : IDisposable
{
    public const int LinesPerWindow = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly ILogger<ThrottledLoginLog> _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private long _suppressed;

    public ThrottledLoginLog(TimeProvider time, ILogger<ThrottledLoginLog> logger)
    {
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((ThrottledLoginLog)state!).Flush(), this, Window, Window);
    }

    /// <summary>Login attempts from one address went over its per-minute limit.</summary>
    public void ClientThrottled(string clientAddress)
    {
        if (Admit("client " + clientAddress))
        {
            _logger.ClientThrottled(clientAddress);
        }
    }

    /// <summary>One address was locked out of one account after repeated failures.</summary>
    public void AddressLockedOut(string clientAddress, TimeSpan lockout)
    {
        if (Admit("locked " + clientAddress))
        {
            _logger.AccountLocked(clientAddress, (int)lockout.TotalSeconds);
        }
    }

    /// <summary>An account's failures from all addresses reached the ceiling (the account key is not logged: it may be whatever was typed).</summary>
    public void CeilingReached(string account, TimeSpan refusedFor)
    {
        if (Admit("ceiling " + account))
        {
            _logger.AccountCeilingReached((int)refusedFor.TotalSeconds);
        }
    }

    /// <summary>Writes the summary of a finished window that left lines out.</summary>
    public void Flush()
    {
        (long Suppressed, TimeSpan Length) finished;
        lock (_gate)
        {
            finished = RollIfOver(_time.GetUtcNow());
        }
        Report(finished);
    }

    public void Dispose() => _timer.Dispose();

    private bool Admit(string key)
    {
        (long Suppressed, TimeSpan Length) finished;
        bool admitted;
        lock (_gate)
        {
            finished = RollIfOver(_time.GetUtcNow());
            admitted = _written.Count < LinesPerWindow && _written.Add(key);
            if (!admitted)
            {
                _suppressed++;
            }
        }
        Report(finished);
        return admitted;
    }

    private (long Suppressed, TimeSpan Length) RollIfOver(DateTimeOffset now)
    {
        var length = now - _windowStart;
        if (length < Window)
        {
            return (0, length);
        }
        var suppressed = _suppressed;
        _suppressed = 0;
        _written.Clear();
        _windowStart = now;
        return (suppressed, length);
    }

    private void Report((long Suppressed, TimeSpan Length) finished)
    {
        if (finished.Suppressed > 0)
        {
            _logger.ThrottledLoginLinesSuppressed(finished.Suppressed, (int)finished.Length.TotalSeconds);
        }
    }
}
