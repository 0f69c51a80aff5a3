using System.Security.Cryptography;


namespace CommunityStream.WebRtc.Dtls;

/// <summary>A certificate fingerprint as SDP writes it: <c>sha-256 AB:CD:…</c> (RFC 8122 §5).</summary>
/// <param name="Algorithm">Hash function name, lower case, e.g. <c>sha-256</c>.</param>
/// <param name="Value">The hash of the DER certificate.</param>
public sealed record DtlsFingerprint(string Algorithm, byte[] Value)
{
    /// <summary>The SHA-256 fingerprint of a DER certificate.</summary>
    public static DtlsFingerprint Sha256(ReadOnlySpan<byte> der) => new("sha-256", SHA256.HashData(der));

    /// <summary>Parses the value of an <c>a=fingerprint</c> attribute; null when malformed.</summary>
    public static DtlsFingerprint? Parse(string text)
    {
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return null;
        }
        var hex = parts[1].Replace(":", "", StringComparison.Ordinal);
        try
        {
            return new DtlsFingerprint(parts[0].ToLowerInvariant(), Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="der"/> hashes to this fingerprint (only sha-256 is accepted).</summary>
    public bool Matches(ReadOnlySpan<byte> der) =>
        Algorithm == "sha-256" && CryptographicOperations.FixedTimeEquals(SHA256.HashData(der), Value);

    /// <inheritdoc />
    public bool Equals(DtlsFingerprint? other) =>
        other is not null && Algorithm == other.Algorithm && Value.AsSpan().SequenceEqual(other.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Algorithm, Value.Length > 0 ? Value[0] : 0);

    /// <summary>The SDP form, e.g. <c>sha-256 0A:1B:…</c>.</summary>
    public override string ToString() => $"{Algorithm} {string.Join(':', Value.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))}";
}
