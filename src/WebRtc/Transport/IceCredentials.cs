using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.WebRtc.Transport;

/// <summary>Local ICE username fragment and password (RFC 8445 §5.3: ≥ 24 bits and ≥ 128 bits of randomness).</summary>
/// <param name="Ufrag">The username fragment (<c>a=ice-ufrag</c>).</param>
/// <param name="Password">The password (<c>a=ice-pwd</c>); secret until written into the answer.</param>
public sealed record IceCredentials(string Ufrag, string Password)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The STUN short-term credential key: the password's UTF-8 bytes (RFC 8489 §9.1.1).</summary>
    public byte[] IntegrityKey { get; } = Encoding.UTF8.GetBytes(Password);

    /// <summary>Fresh random credentials: 8-character ufrag (47 bits), 24-character password (142 bits).</summary>
    public static IceCredentials Generate() => new(RandomNumberGenerator.GetString(Alphabet, 8), RandomNumberGenerator.GetString(Alphabet, 24));
}
