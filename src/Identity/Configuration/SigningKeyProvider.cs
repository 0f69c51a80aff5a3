using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CommunityStream.Identity.Configuration;

/// <summary>
/// The HMAC key for access tokens: from configuration when set, otherwise a random key generated once
/// into <c>{dataDirectory}/identity-signing.key</c> (mode 0600) so tokens survive restarts.
/// </summary>
internal sealed class SigningKeyProvider
{
    public const string KeyFileName = "identity-signing.key";
    private const int GeneratedKeyBytes = 64;

    private readonly Lazy<SymmetricSecurityKey> _key;

    public SigningKeyProvider(IOptions<IdentityOptions> options, IdentityDataDirectory dataDirectory, ILogger<SigningKeyProvider> logger)
    {
        _key = new Lazy<SymmetricSecurityKey>(
            () => new SymmetricSecurityKey(Load(options.Value.Jwt.SigningKey, dataDirectory.Path, logger)),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SymmetricSecurityKey Key => _key.Value;

    private static byte[] Load(string? configuredKey, string dataDirectory, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(configuredKey))
        {
            logger.SigningKeyFromConfiguration();
            return Convert.FromBase64String(configuredKey.Trim());
        }

        Directory.CreateDirectory(dataDirectory);
        var path = System.IO.Path.Combine(dataDirectory, KeyFileName);
        if (TryCreate(path, out var created))
        {
            logger.SigningKeyGenerated(path);
            return created;
        }

        var stored = File.ReadAllText(path).Trim();
        if (!IdentityOptionsValidator.IsUsableKey(stored))
        {
            throw new InvalidOperationException($"The signing key file {path} is not base64 of at least {IdentityOptionsValidator.MinimumSigningKeyBytes} bytes.");
        }
        logger.SigningKeyReused(path);
        return Convert.FromBase64String(stored);
    }

    /// <summary>CreateNew makes concurrent first starts agree: exactly one writes, the others read.</summary>
    private static bool TryCreate(string path, out byte[] key)
    {
        key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, fileOptions);
            writer.Write(Convert.ToBase64String(key));
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}

/// <summary>Where the module keeps files (the signing key); the Host's data directory.</summary>
internal sealed record IdentityDataDirectory(string Path);
