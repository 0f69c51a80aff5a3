using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Streams;

namespace CommunityStream.Media.Administration;

/// <summary>One row of <c>GET /admin/v1/streams</c>; the publisher is the channel's owner (a channel is named by its username).</summary>
internal sealed record LiveStreamResponse(string Channel, string Title, string Publisher, string? Node, DateTimeOffset? StartedAt, int Viewers, bool Private)
{
    public static LiveStreamResponse From(StreamSummary s) => new(s.Channel, s.Title, s.Channel, s.PublisherNode, s.StartedAt, s.Viewers, s.Private);
}

/// <summary><c>GET /admin/v1/streams/{channel}</c>. Relays are the other nodes serving viewers (each carries one relay link from the publisher's node).</summary>
internal sealed record StreamDetailsResponse(
    string Channel,
    string Title,
    bool Live,
    bool Private,
    string Publisher,
    string? Node,
    string? SessionId,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastHeartbeat,
    int Viewers,
    IReadOnlyList<NodeViewers> ViewersByNode,
    IReadOnlyList<string> Relays,
    IReadOnlyList<TrackResponse> Tracks,
    StreamQuality Quality)
{
    public static StreamDetailsResponse From(StreamDetails details, IReadOnlyList<RelayTrack> tracks)
    {
        var s = details.Summary;
        return new(
            s.Channel, s.Title, s.Live, s.Private, s.Channel, s.PublisherNode, details.SessionId, s.StartedAt, details.LastHeartbeat, s.Viewers,
            details.ViewersByNode,
            [.. details.ViewersByNode.Where(v => v.Node != s.PublisherNode && v.Viewers > 0).Select(v => v.Node)],
            [.. tracks.Select(t => new TrackResponse(((MediaKind)t.Kind).ToString().ToLowerInvariant(), t.Codec, t.PayloadType, t.ClockRate))],
            s.Quality);
    }
}

/// <summary>A published track as the publisher's answer agreed it.</summary>
internal sealed record TrackResponse(string Kind, string Codec, int PayloadType, int ClockRate);

/// <summary><c>POST /admin/v1/streams/{channel}/end</c>.</summary>
internal sealed record EndStreamResponse(string Channel, bool Ended);
