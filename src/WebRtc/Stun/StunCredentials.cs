using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// MESSAGE-INTEGRITY keys (RFC 8489 §9). ICE uses short-term credentials: the key is the password itself after
/// OpaqueString preparation; ICE passwords are ASCII (RFC 8839 §5.4), which that profile leaves unchanged.
/// </summary>
public static class StunCredentials
{
    /// <summary>The MESSAGE-INTEGRITY key of an ICE password: its UTF-8 bytes.</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// <summary>Long-term key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password). Used here only for RFC 5769 §2.4.</summary>
    internal static byte[] LongTermKey(string username, string realm, string password)
    {
#pragma warning disable CA5351 // MD5 is what RFC 8489 §9.2.2 specifies for the long-term key; not our choice.
        return MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
#pragma warning restore CA5351
    }
}
