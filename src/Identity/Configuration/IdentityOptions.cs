namespace CommunityStream.Identity.Configuration;

/// <summary>The <c>Identity</c> configuration section; see docs/identity.md for every key.</summary>
internal sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    public JwtSettings Jwt { get; set; } = new();

    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>How long a deleted account keeps its username and email reserved before they are freed.</summary>
    public int DeletedAccountGraceDays { get; set; } = 30;

    public PasswordSettings Password { get; set; } = new();

    public ThrottleSettings Throttle { get; set; } = new();

    public AdminSettings Admin { get; set; } = new();
}

internal sealed class JwtSettings
{
    /// <summary>Base64 HMAC key (≥ 32 bytes). Empty: a key file in the data directory is generated and reused.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "communitystream";

    public string Audience { get; set; } = "communitystream";

    public int AccessTokenMinutes { get; set; } = 15;
}

internal sealed class PasswordSettings
{
    /// <summary>OWASP 2023 guidance for PBKDF2-HMAC-SHA256.</summary>
    public const int MinimumIterations = 600_000;

    public int Pbkdf2Iterations { get; set; } = MinimumIterations;
}

/// <summary>Login and registration throttles; docs/identity.md ("Login throttling") has the rules and figures.</summary>
internal sealed class ThrottleSettings
{
    /// <summary>Consecutive failures of one account from one client address before that address is locked out of it.</summary>
    public int AccountFailures { get; set; } = 5;

    /// <summary>First lockout of an (account, address) pair; each further lockout of the pair doubles it.</summary>
    public int AccountLockoutSeconds { get; set; } = 300;

    public int AccountLockoutMaxSeconds { get; set; } = 3600;

    /// <summary>Failures of one account from all addresses together, in one window, before every login of it waits for the window's end.</summary>
    public int AccountCeilingFailures { get; set; } = 300;

    public int AccountCeilingWindowMinutes { get; set; } = 60;

    public int IpAttemptsPerMinute { get; set; } = 30;

    public int RegisterAttemptsPerMinute { get; set; } = 10;
}

internal sealed class AdminSettings
{
    public string? Username { get; set; }

    public string? Email { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Username) && !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrEmpty(Password);

    public bool IsPartlyConfigured =>
        !IsConfigured && (!string.IsNullOrWhiteSpace(Username) || !string.IsNullOrWhiteSpace(Email) || !string.IsNullOrEmpty(Password));
}
