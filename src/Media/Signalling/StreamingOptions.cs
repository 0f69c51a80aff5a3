using System.Globalization;
using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// Settings of WHIP/WHEP signalling (configuration section <c>Media</c>, beside the transport's): browser origins
/// allowed to call it, the STUN/TURN servers advertised in <c>Link</c> headers, and the limits.
/// </summary>
public sealed class StreamingOptions
{
    public const string Section = "Media";

    /// <summary>Origins allowed by CORS (e.g. <c>https://watch.example.org</c>); <c>*</c> allows any; empty allows none.</summary>
    public IList<string> CorsOrigins { get; } = [];

    /// <summary>STUN/TURN servers announced with <c>Link: rel="ice-server"</c> (RFC 9725 §4.6).</summary>
    public IList<IceServerOptions> IceServers { get; } = [];

    /// <summary>The REMB we send publishers: the most a stream may carry, in bits per second.</summary>
    public long MaxPublishBitrate { get; set; } = 6_000_000;

    /// <summary>Largest SDP offer accepted.</summary>
    public int MaxSdpBytes { get; set; } = 32 * 1024;

    /// <summary>Viewers one node serves at once (every stream together); further WHEP requests get 503.</summary>
    public int MaxViewersPerNode { get; set; } = 5_000;

    /// <summary>LL-HLS output (<c>Media:Hls</c>).</summary>
    public HlsOptions Hls { get; } = new();

    /// <summary>The first problem with these settings, naming the setting, or null.</summary>
    public string? Validate()
    {
        if (Hls.Validate() is { } hls)
        {
            return hls;
        }
        if (MaxPublishBitrate is < 100_000 or > 100_000_000)
        {
            return "Media:MaxPublishBitrate must be 100000-100000000 bits/s";
        }
        if (MaxSdpBytes is < 1024 or > 1024 * 1024)
        {
            return "Media:MaxSdpBytes must be 1024-1048576";
        }
        if (MaxViewersPerNode is < 1 or > 100_000)
        {
            return "Media:MaxViewersPerNode must be 1-100000";
        }
        var badOrigin = CorsOrigins.FirstOrDefault(o => o != "*" && !Uri.TryCreate(o, UriKind.Absolute, out _));
        if (badOrigin is not null)
        {
            return $"Media:CorsOrigins '{badOrigin}' is not an origin such as https://example.org";
        }
        var badServer = IceServers.FirstOrDefault(s => !s.Url.StartsWith("stun:", StringComparison.Ordinal) && !s.Url.StartsWith("turn:", StringComparison.Ordinal) && !s.Url.StartsWith("turns:", StringComparison.Ordinal));
        return badServer is null ? null : string.Create(CultureInfo.InvariantCulture, $"Media:IceServers url '{badServer.Url}' is not a stun:, turn: or turns: URL");
    }
}

/// <summary>One STUN or TURN server; TURN needs a username and credential.</summary>
public sealed class IceServerOptions
{
    public string Url { get; set; } = "";

    public string? Username { get; set; }

    public string? Credential { get; set; }
}
