using System.Globalization;
using System.Security.Cryptography;
using CommunityStream.Identity.Configuration;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Security;

/// <summary>The result of checking a password against a stored hash.</summary>
internal enum PasswordCheck
{
    Failed,
    Succeeded,

    /// <summary>Correct, but hashed with fewer iterations than configured now: store a fresh hash.</summary>
    SucceededRehashNeeded,
}

/// <summary>
/// PBKDF2-HMAC-SHA256 hashes stored as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so the iteration
/// count can grow without breaking old hashes. Hashing is deliberately slow: the async methods run it on the
/// thread pool behind a semaphore so a login flood queues instead of starving every other request.
/// </summary>
internal sealed class PasswordHasher : IDisposable
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A tampered row must not make us spin for minutes.
    private const int MaximumIterations = 10_000_000;

    private readonly int _iterations;
    private readonly SemaphoreSlim _concurrency = new(Environment.ProcessorCount * 2);
    private readonly Lazy<string> _decoy;

    public PasswordHasher(int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, PasswordSettings.MinimumIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaximumIterations);
        _iterations = iterations;
        _decoy = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public PasswordHasher(IOptions<IdentityOptions> options)
        : this(options.Value.Password.Pbkdf2Iterations)
    {
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, _iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, _iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public PasswordCheck Verify(string password, string stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return PasswordCheck.Failed;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordCheck.Failed;
        }
        return iterations < _iterations ? PasswordCheck.SucceededRehashNeeded : PasswordCheck.Succeeded;
    }

    public Task<string> HashAsync(string password, CancellationToken cancellationToken) =>
        RunBoundedAsync(() => Hash(password), cancellationToken);

    public Task<PasswordCheck> VerifyAsync(string password, string stored, CancellationToken cancellationToken) =>
        RunBoundedAsync(() => Verify(password, stored), cancellationToken);

    /// <summary>Spends the same work as a real check, so an unknown login takes as long as a wrong password.</summary>
    public Task VerifyDecoyAsync(string password, CancellationToken cancellationToken) =>
        RunBoundedAsync(() => Verify(password, _decoy.Value), cancellationToken);

    public void Dispose() => _concurrency.Dispose();

    private async Task<T> RunBoundedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _concurrency.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(work, cancellationToken);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < PasswordSettings.MinimumIterations || iterations > MaximumIterations)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= SaltBytes && hash.Length == HashBytes;
    }
}
