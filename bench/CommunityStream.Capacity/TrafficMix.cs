namespace CommunityStream.Capacity;

/// <summary>
/// Who is online and what they do. The defaults are docs/capacity.md's stated mix: 100,000 concurrent users, 80 %
/// watching 4 big channels, 20 % in small channels of 20, chat at Twitch-like rates, every viewer on WebRTC.
/// </summary>
internal sealed record TrafficMix
{
    public int Users { get; init; } = 100_000;

    /// <summary>Share of users watching the big channels (the rest are in small channels).</summary>
    public double BigShare { get; init; } = 0.8;

    public int BigChannels { get; init; } = 4;

    /// <summary>Users per small channel (its chat room and its stream).</summary>
    public int SmallRoomSize { get; init; } = 20;

    /// <summary>Share of small-channel users who also watch the video (the rest only chat).</summary>
    public double SmallVideoShare { get; init; } = 1.0;

    /// <summary>Messages per second posted in each big channel's chat.</summary>
    public double BigChatRate { get; init; } = 20;

    /// <summary>Messages per second posted in each small channel's chat.</summary>
    public double SmallChatRate { get; init; } = 0.5;

    /// <summary>Video bitrate of every stream, kbit/s.</summary>
    public double StreamKbps { get; init; } = 2_500;

    /// <summary>Share of the big channels' viewers moved to LL-HLS behind a CDN (they keep their chat socket).</summary>
    public double HlsShare { get; init; }

    /// <summary>Origin fetches per stream the CDN makes (one per shield or mid-tier cache).</summary>
    public int CdnOriginPulls { get; init; } = 3;

    /// <summary>
    /// Share of the small channels whose viewers reach the publisher's node (a load balancer that routes
    /// <c>/whip/{channel}</c> and <c>/whep/{channel}</c> by channel). 0 = today's random spread: a relay per other node.
    /// </summary>
    public double ChannelAffinity { get; init; }

    public int CoresPerNode { get; init; } = 16;

    /// <summary>Network interface speed of a node, Gbit/s.</summary>
    public double NicGbpsPerNode { get; init; } = 10;

    public double MemoryGiBPerNode { get; init; } = 32;

    /// <summary>Nodes kept spare so one can die or be upgraded without overload.</summary>
    public int SpareNodes { get; init; } = 1;
}
