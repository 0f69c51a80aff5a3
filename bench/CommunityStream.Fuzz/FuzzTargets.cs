using CommunityStream.Fuzz.Targets;

namespace CommunityStream.Fuzz;

/// <summary>Every target, by its <c>--target</c> name.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyList<string> Names = ["ws", "wsguard", "json", "sdp", "stun", "dtls", "rtp", "rtcp", "h264"];

    public static IReadOnlyList<FuzzTarget> Select(string name) =>
        name == "all" ? [.. Names.Select(Create)] : [Create(name)];

    public static FuzzTarget Create(string name) => name switch
    {
        "ws" => new WebSocketTarget(),
        "wsguard" => new FrameGuardTarget(),
        "json" => new ClientFrameTarget(),
        "sdp" => new SdpTarget(),
        "stun" => new StunTarget(),
        "dtls" => new DtlsTarget(),
        "rtp" => new RtpTarget(),
        "rtcp" => new RtcpTarget(),
        "h264" => new H264Target(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown target"),
    };
}
