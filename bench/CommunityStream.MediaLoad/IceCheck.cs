using System.Security.Cryptography;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.MediaLoad;

/// <summary>
/// The controlling side of ICE against an ICE-lite server (RFC 8445 §7.2.2): Binding requests with USERNAME
/// <c>serverUfrag:clientUfrag</c>, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE on the nominating check, signed with
/// the server's password, FINGERPRINT last. The same request without USE-CANDIDATE refreshes consent (RFC 7675).
/// </summary>
internal static class IceCheck
{
    /// <summary>Peer-reflexive type preference 110, local preference 65535, component 1 (RFC 8445 §5.1.2.1).</summary>
    public const uint PeerReflexivePriority = (110u << 24) | (65535u << 8) | 255u;

    public static int WriteRequest(Span<byte> destination, ReadOnlySpan<byte> transactionId, ReadOnlySpan<byte> username, ReadOnlySpan<byte> serverPasswordKey, ulong tieBreaker, bool nominate)
    {
        var writer = new StunMessageWriter(destination, StunMessageType.BindingRequest, transactionId);
        writer.AddUsername(username);
        writer.AddPriority(PeerReflexivePriority);
        writer.AddIceControlling(tieBreaker);
        if (nominate)
        {
            writer.AddUseCandidate();
        }
        writer.AddMessageIntegrity(serverPasswordKey);
        writer.AddFingerprint();
        return writer.Length;
    }

    public static ulong NewTieBreaker() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>True for a Binding success the server signed with its password (a forged one is ignored).</summary>
    public static bool IsAuthenticSuccess(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> serverPasswordKey, out ReadOnlySpan<byte> transactionId)
    {
        transactionId = default;
        if (!StunMessageReader.TryParse(datagram, out var message) || message.Type != StunMessageType.BindingSuccess
            || !message.VerifyMessageIntegrity(serverPasswordKey))
        {
            return false;
        }
        transactionId = datagram.Slice(8, StunMessageWriter.TransactionIdLength);
        return true;
    }
}
