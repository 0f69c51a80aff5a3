namespace CommunityStream.WebRtc.Stun;

/// <summary>STUN error codes (RFC 8489 §14.8) and ICE's role conflict (RFC 8445 §7.3.1.1), with default reasons.</summary>
public static class StunErrorCode
{
    public const int BadRequest = 400;
    public const int Unauthenticated = 401;
    public const int UnknownAttribute = 420;
    public const int RoleConflict = 487;
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
