namespace CommunityStream.WebRtc.Stun;

/// <summary>The four STUN message classes (RFC 8489 §5).</summary>
public enum StunClass
{
    /// <summary>A request; expects a response with the same transaction id.</summary>
    Request = 0,
    /// <summary>An indication; no response.</summary>
    Indication = 1,
    /// <summary>A success response.</summary>
    SuccessResponse = 2,
    /// <summary>An error response with ERROR-CODE.</summary>
    ErrorResponse = 3,
}

/// <summary>STUN methods this library uses (RFC 8489 §18.2).</summary>
public enum StunMethod : ushort
{
    /// <summary>Binding (RFC 8489 §3): ICE connectivity and consent checks.</summary>
    Binding = 0x001,
}

/// <summary>
/// A STUN message type: a 12-bit method and a 2-bit class interleaved into the 14 low bits of the first header word
/// (RFC 8489 §5, figure 3).
/// </summary>
/// <param name="Method">The method, e.g. Binding.</param>
/// <param name="Class">Request, indication, success or error response.</param>
public readonly record struct StunMessageType(StunMethod Method, StunClass Class)
{
    /// <summary>Binding request: an ICE connectivity or consent check.</summary>
    public static readonly StunMessageType BindingRequest = new(StunMethod.Binding, StunClass.Request);
    /// <summary>Binding success response.</summary>
    public static readonly StunMessageType BindingSuccess = new(StunMethod.Binding, StunClass.SuccessResponse);
    /// <summary>Binding error response.</summary>
    public static readonly StunMessageType BindingError = new(StunMethod.Binding, StunClass.ErrorResponse);
    /// <summary>Binding indication (a keep-alive).</summary>
    public static readonly StunMessageType BindingIndication = new(StunMethod.Binding, StunClass.Indication);

    /// <summary>The 14-bit wire value of the first header word.</summary>
    public ushort ToUInt16()
    {
        var m = (int)Method;
        var c = (int)Class;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    /// <summary>Splits a header's first word into method and class.</summary>
    public static StunMessageType FromUInt16(ushort value)
    {
        var m = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        var c = ((value >> 4) & 1) | ((value >> 7) & 2);
        return new StunMessageType((StunMethod)m, (StunClass)c);
    }
}
