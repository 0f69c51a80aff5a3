using System.Diagnostics.Metrics;

namespace CommunityStream.Identity.Telemetry;

/// <summary>
/// The identity module's instruments on its <see cref="IdentityModule.MeterName"/> meter: logins, failed logins by
/// reason, and account lockouts (docs/operations.md, "Metrics and traces"). Logins are a cold path, so each is
/// counted as it happens.
/// </summary>
internal sealed class IdentityMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _lockouts;

    public IdentityMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(IdentityModule.MeterName);
        _logins = _meter.CreateCounter<long>("communitystream.identity.logins", "{login}", "Logins that issued tokens.");
        _failures = _meter.CreateCounter<long>("communitystream.identity.login.failures", "{login}",
            "Logins refused, by reason: invalid_credentials, throttled (per address or a locked account) or disabled.");
        _lockouts = _meter.CreateCounter<long>("communitystream.identity.lockouts", "{lockout}", "Accounts (or unknown logins) locked after repeated failures.");
    }

    public void LoggedIn() => _logins.Add(1);

    public void LoginFailed(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void LockedOut() => _lockouts.Add(1);

    public void Dispose() => _meter.Dispose();
}
