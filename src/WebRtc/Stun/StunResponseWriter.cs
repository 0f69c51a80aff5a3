using System.Net;

namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// Builds the responses an ICE-lite agent sends to Binding requests: a success response with XOR-MAPPED-ADDRESS, and
/// error responses 400, 401, 420 and 487 (RFC 8489 §6.3.1, §6.3.4; RFC 8445 §7.3.1.1).
/// </summary>
public static class StunResponseWriter
{
    /// <summary>Binding success: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY with the local password, FINGERPRINT.</summary>
    public static int WriteBindingSuccess(
        Span<byte> destination, ReadOnlySpan<byte> transactionId, IPAddress address, int port, ReadOnlySpan<byte> integrityKey)
    {
        var writer = new StunMessageWriter(destination, StunMessageType.BindingSuccess, transactionId);
        writer.AddXorMappedAddress(address, port);
        writer.AddMessageIntegrity(integrityKey);
        writer.AddFingerprint();
        return writer.Length;
    }

    /// <summary>
    /// An error response. 400 and 401 carry no MESSAGE-INTEGRITY (the request could not be authenticated; RFC 8489
    /// §9.1.3); pass an empty key for them. 420 lists the unknown attributes; 487 is sent to an authenticated request
    /// and so is signed.
    /// </summary>
    public static int WriteError(
        Span<byte> destination,
        StunMethod method,
        ReadOnlySpan<byte> transactionId,
        int code,
        ReadOnlySpan<byte> integrityKey = default,
        ReadOnlySpan<ushort> unknownAttributes = default,
        string? reason = null)
    {
        var writer = new StunMessageWriter(destination, new StunMessageType(method, StunClass.ErrorResponse), transactionId);
        writer.AddErrorCode(code, reason);
        if (code == StunErrorCode.UnknownAttribute)
        {
            writer.AddUnknownAttributes(unknownAttributes);
        }

        if (!integrityKey.IsEmpty)
        {
            writer.AddMessageIntegrity(integrityKey);
        }

        writer.AddFingerprint();
        return writer.Length;
    }
}
