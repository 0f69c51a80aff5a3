namespace CommunityStream.WebRtc.Stun;

/// <summary>STUN error codes (RFC 8489 §14.8) and ICE's role conflict (RFC 8445 §7.3.1.1), with default reasons.</summary>
public static class StunErrorCode
{
    /// <summary>400: malformed request.</summary>
    public const int BadRequest = 400;
    /// <summary>401: wrong or missing credentials.</summary>
    public const int Unauthenticated = 401;
    /// <summary>420: unknown comprehension-required attributes.</summary>
    public const int UnknownAttribute = 420;
    /// <summary>487: both agents claim the same ICE role.</summary>
    public const int RoleConflict = 487;
    /// <summary>500: the server failed.</summary>
    public const int ServerError = 500;

    internal static string DefaultReason(int code) => code switch
    {
        BadRequest => "Bad Request",
        Unauthenticated => "Unauthenticated",
        UnknownAttribute => "Unknown Attribute",
        RoleConflict => "Role Conflict",
        ServerError => "Server Error",
        _ => "Error",
    };
}
