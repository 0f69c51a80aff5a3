namespace CommunityStream.Media.Hls;

/// <summary>LL-HLS output settings (configuration section <c>Media:Hls</c>; docs/operations.md).</summary>
public sealed class HlsOptions
{
    /// <summary>Package every live H.264 channel as LL-HLS (<c>/hls/{channel}/index.m3u8</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>With HLS enabled, WHIP answers choose H.264 over VP8 and VP9 when the publisher offers it (HLS needs H.264).</summary>
    public bool PreferH264ForHls { get; set; } = true;

    /// <summary>
    /// The node-shared HMAC key of private channels' HLS tokens, base64 of at least 32 bytes. Required in production
    /// and in any cluster: when empty, each process generates its own (with a warning), so a token works only on the
    /// node that issued it.
    /// </summary>
    public string? TokenSecret { get; set; }

    /// <summary>How long an issued HLS token stays valid (rounded up to a 5-minute grid).</summary>
    public int TokenLifetimeMinutes { get; set; } = 60;

    /// <summary>A segment's intended duration; TARGETDURATION is twice this, rounded up to whole seconds.</summary>
    public int SegmentTargetMilliseconds { get; set; } = 2000;

    /// <summary>How long a channel's playlist stays (with EXT-X-ENDLIST) after the publisher leaves; then 404.</summary>
    public int EndedGraceSeconds { get; set; } = 10;

    /// <summary>
    /// From this many WebRTC sessions on a node (publishers and viewers), <c>GET /api/streams/{channel}</c> tells new
    /// viewers of a channel with HLS output to play it as LL-HLS (<c>"playback": "hls"</c>): the overflow audience
    /// goes to HTTP and a CDN while the node keeps headroom for its WebRTC viewers. Empty: 90 % of
    /// <c>Media:MaxViewersPerNode</c>; 0: every viewer of such a channel is sent to HLS.
    /// </summary>
    public int? HlsOnlyFromSessions { get; set; }

    /// <summary>
    /// Bench aid, off by default: blocking playlist responses carry <c>X-Part-Ready</c>, the Unix time in
    /// milliseconds (wall clock) at which this node's window took the part the request waited for, so a client on the
    /// same machine can measure how soon after a part is written its blocking reload returns (bench/README.md).
    /// </summary>
    public bool PartReadyHeader { get; set; }

    /// <summary>Blocking requests (playlist reloads, preload-hint parts) this node holds at most; over it, 503 with Retry-After.</summary>
    public int MaxHeldRequestsPerNode { get; set; } = 20_000;

    /// <summary>Blocking requests one channel holds at most on this node; over it, 503 with Retry-After.</summary>
    public int MaxHeldRequestsPerChannel { get; set; } = 10_000;

    /// <summary>A part larger than this is dropped (counted) and the publisher asked for a keyframe.</summary>
    public int MaxPartBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>A window larger than this drops its oldest complete segments early (below the retention).</summary>
    public int MaxWindowBytes { get; set; } = 64 * 1024 * 1024;

    internal string? Validate()
    {
        if (MaxHeldRequestsPerNode < 1 || MaxHeldRequestsPerChannel < 1)
        {
            return "Media:Hls:MaxHeldRequestsPerNode and MaxHeldRequestsPerChannel must be at least 1";
        }
        if (MaxPartBytes is < 64 * 1024 or > HlsWireAssembler.MaxEvent - 1024 || MaxWindowBytes < 4 * MaxPartBytes)
        {
            return "Media:Hls:MaxPartBytes must be 64 KiB-16 MiB less 1 KiB, and MaxWindowBytes at least 4 x MaxPartBytes";
        }
        if (TokenSecret is { Length: > 0 } secret && (!TryDecode(secret, out var bytes) || bytes.Length < 32))
        {
            return "Media:Hls:TokenSecret must be base64 of at least 32 bytes";
        }
        if (TokenLifetimeMinutes is < 1 or > 7 * 24 * 60)
        {
            return "Media:Hls:TokenLifetimeMinutes must be 1-10080";
        }
        if (SegmentTargetMilliseconds is < 1000 or > 10_000)
        {
            return "Media:Hls:SegmentTargetMilliseconds must be 1000-10000";
        }
        if (HlsOnlyFromSessions is < 0)
        {
            return "Media:Hls:HlsOnlyFromSessions must be 0 or more";
        }
        return EndedGraceSeconds is < 0 or > 600 ? "Media:Hls:EndedGraceSeconds must be 0-600" : null;
    }

    internal static bool TryDecode(string secret, out byte[] bytes)
    {
        bytes = new byte[secret.Length];
        if (Convert.TryFromBase64String(secret.Trim(), bytes, out var length))
        {
            bytes = bytes[..length];
            return true;
        }
        return false;
    }
}
