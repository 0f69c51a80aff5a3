namespace CommunityStream.Media.Sessions;

/// <summary>A WHIP or WHEP session resource on this node (the <c>Location</c> a client was given).</summary>
internal interface IMediaSession
{
    string Id { get; }

    string Channel { get; }

    /// <summary>The HTTP entity tag of the session's current ICE state (changes with an ICE restart).</summary>
    string ETag { get; }

    /// <summary>The client's ICE ufrag from its offer.</summary>
    string RemoteUfrag { get; }

    /// <summary>Ends the session: stops media, closes the transport (DTLS close_notify), and forgets it.</summary>
    void Close(string reason);
}
