namespace CommunityStream.WebRtc.Stun;

/// <summary>Outcome of checking an incoming Binding request against the local ICE credentials.</summary>
public enum StunBindingVerdict
{
    /// <summary>Authenticated, well-formed check from a controlling peer: answer with a success response.</summary>
    Accepted,
    /// <summary>Malformed, or missing USERNAME, MESSAGE-INTEGRITY, PRIORITY or exactly one role: answer 400.</summary>
    BadRequest,
    /// <summary>USERNAME not ours or MESSAGE-INTEGRITY wrong: answer 401.</summary>
    Unauthenticated,
    /// <summary>Carries comprehension-required attributes we do not know: answer 420 listing them.</summary>
    UnknownAttribute,
    /// <summary>The peer claims the controlled role too: answer 487.</summary>
    RoleConflict,
}

/// <summary>
/// Checks a connectivity-check Binding request the way an ICE-lite (always controlled) agent must, before an answer is
/// written with <see cref="StunResponseWriter"/>: RFC 8489 §6.3 and §9.1.3, RFC 8445 §7.3.
/// </summary>
public static class StunBindingCheck
{
    /// <summary>Checks <paramref name="request"/> against our credentials.</summary>
    /// <param name="request">A parsed Binding request.</param>
    /// <param name="localUfrag">Our ufrag (ASCII); USERNAME must start with it and a colon.</param>
    /// <param name="localPasswordKey">Our password's short-term key (<see cref="StunCredentials.ShortTermKey"/>).</param>
    /// <param name="unknown">Receives the unknown comprehension-required attribute types, for a 420.</param>
    /// <param name="unknownCount">How many were written to <paramref name="unknown"/>.</param>
    public static StunBindingVerdict Check(
        in StunMessageReader request, ReadOnlySpan<byte> localUfrag, ReadOnlySpan<byte> localPasswordKey, Span<ushort> unknown,
        out int unknownCount)
    {
        unknownCount = 0;
        if (request.Type != StunMessageType.BindingRequest)
        {
            return StunBindingVerdict.BadRequest;
        }

        // A FINGERPRINT that is present must be right (RFC 8489 §7.3); ICE always sends one.
        if (request.HasFingerprint && !request.VerifyFingerprint())
        {
            return StunBindingVerdict.BadRequest;
        }

        // RFC 8489 §9.1.3: no MESSAGE-INTEGRITY or no USERNAME -> 400; wrong user or HMAC -> 401.
        if (!request.TryGetUsername(out var username) || !request.HasAttribute(StunAttributeType.MessageIntegrity))
        {
            return StunBindingVerdict.BadRequest;
        }

        // RFC 8445 §7.2.2: USERNAME is "<receiver ufrag>:<sender ufrag>".
        if (username.Length <= localUfrag.Length || !username.StartsWith(localUfrag) || username[localUfrag.Length] != (byte)':')
        {
            return StunBindingVerdict.Unauthenticated;
        }

        if (!request.VerifyMessageIntegrity(localPasswordKey))
        {
            return StunBindingVerdict.Unauthenticated;
        }

        unknownCount = request.GetUnknownComprehensionRequired(unknown);
        if (unknownCount > 0)
        {
            return StunBindingVerdict.UnknownAttribute;
        }

        // RFC 8445 §7.2.2: a check carries PRIORITY and exactly one role attribute.
        if (!request.TryGetPriority(out _))
        {
            return StunBindingVerdict.BadRequest;
        }

        var controlling = request.HasAttribute(StunAttributeType.IceControlling);
        var controlled = request.HasAttribute(StunAttributeType.IceControlled);
        if (controlling == controlled)
        {
            // Neither role or both: a malformed check.
            return StunBindingVerdict.BadRequest;
        }

        // A lite agent is always controlled and cannot switch roles; a peer that also claims the controlled role has a
        // role conflict (RFC 8445 §7.3.1.1), answered with 487 as mediasoup does.
        return controlled ? StunBindingVerdict.RoleConflict : StunBindingVerdict.Accepted;
    }
}
