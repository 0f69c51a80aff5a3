using Akka.Actor;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A WHIP or WHEP session resource on this node (the <c>Location</c> a client was given): what a PATCH needs — the
/// <c>ETag</c> of its ICE state (our ufrag; there are no ICE restarts) and the client's ICE ufrag — and the actor
/// that owns the session, to which a DELETE goes. Registered and removed by that owner only.
/// </summary>
internal sealed record SessionResource(string Id, string Channel, bool Publisher, string ETag, string RemoteUfrag, IActorRef Owner)
{
    public static string ETagOf(ISessionTransport transport) => $"\"{transport.LocalUfrag}\"";
}
