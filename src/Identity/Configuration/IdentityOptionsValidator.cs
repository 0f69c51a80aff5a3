using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Configuration;

/// <summary>Fails start-up on settings that would make the module insecure or unusable.</summary>
internal sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public const int MinimumSigningKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Jwt.SigningKey) && !IsUsableKey(options.Jwt.SigningKey))
        {
            // Never echo the key itself.
            failures.Add($"Identity:Jwt:SigningKey must be base64 of at least {MinimumSigningKeyBytes} bytes.");
        }
        if (string.IsNullOrWhiteSpace(options.Jwt.Issuer))
        {
            failures.Add("Identity:Jwt:Issuer must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(options.Jwt.Audience))
        {
            failures.Add("Identity:Jwt:Audience must not be empty.");
        }
        RequireRange(failures, "Identity:Jwt:AccessTokenMinutes", options.Jwt.AccessTokenMinutes, 1, 24 * 60);
        RequireRange(failures, "Identity:RefreshTokenDays", options.RefreshTokenDays, 1, 365);
        RequireRange(failures, "Identity:DeletedAccountGraceDays", options.DeletedAccountGraceDays, 0, 3650);
        RequireRange(failures, "Identity:Password:Pbkdf2Iterations", options.Password.Pbkdf2Iterations, PasswordSettings.MinimumIterations, 10_000_000);
        RequireRange(failures, "Identity:Throttle:AccountFailures", options.Throttle.AccountFailures, 1, 1000);
        RequireRange(failures, "Identity:Throttle:AccountLockoutSeconds", options.Throttle.AccountLockoutSeconds, 1, 86_400);
        RequireRange(failures, "Identity:Throttle:AccountLockoutMaxSeconds", options.Throttle.AccountLockoutMaxSeconds, options.Throttle.AccountLockoutSeconds, 7 * 86_400);
        RequireRange(failures, "Identity:Throttle:AccountCeilingFailures", options.Throttle.AccountCeilingFailures, 1, 1_000_000);
        RequireRange(failures, "Identity:Throttle:AccountCeilingWindowMinutes", options.Throttle.AccountCeilingWindowMinutes, 1, 1440);
        RequireRange(failures, "Identity:Throttle:IpAttemptsPerMinute", options.Throttle.IpAttemptsPerMinute, 1, 100_000);
        RequireRange(failures, "Identity:Throttle:RegisterAttemptsPerMinute", options.Throttle.RegisterAttemptsPerMinute, 1, 100_000);
        if (options.Admin.IsPartlyConfigured)
        {
            failures.Add("Identity:Admin needs Username, Email and Password together (or none of them).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static bool IsUsableKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written >= MinimumSigningKeyBytes;
    }

    private static void RequireRange(List<string> failures, string key, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{key} must be between {minimum} and {maximum} (was {value}).");
        }
    }
}
