using System.Globalization;

namespace CommunityStream.Capacity;

/// <summary>Reads a <see cref="TrafficMix"/> from <c>--name value</c> options; a bad one is a <see cref="FormatException"/> naming it.</summary>
internal static class MixOptions
{
    public const string Usage =
        "usage: CommunityStream.Capacity [--users N] [--big-share 0..1] [--big-channels N] [--small-room-size N] " +
        "[--small-video-share 0..1] [--big-chat-rate MSG/S] [--small-chat-rate MSG/S] [--stream-kbps KBPS] " +
        "[--hls-share 0..1] [--cdn-origin-pulls N] [--channel-affinity 0..1] [--cores-per-node N] [--nic-gbps-per-node GBPS] [--memory-gib-per-node GIB] [--spare-nodes N]";

    public static TrafficMix Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var mix = new TrafficMix();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new FormatException($"{name} needs a value");
            }
            var value = args[i + 1];
            mix = name switch
            {
                "--users" => mix with { Users = Int(name, value, 1) },
                "--big-share" => mix with { BigShare = Share(name, value) },
                "--big-channels" => mix with { BigChannels = Int(name, value, 1) },
                "--small-room-size" => mix with { SmallRoomSize = Int(name, value, 1) },
                "--small-video-share" => mix with { SmallVideoShare = Share(name, value) },
                "--big-chat-rate" => mix with { BigChatRate = Number(name, value) },
                "--small-chat-rate" => mix with { SmallChatRate = Number(name, value) },
                "--stream-kbps" => mix with { StreamKbps = Number(name, value, minimum: 1) },
                "--hls-share" => mix with { HlsShare = Share(name, value) },
                "--cdn-origin-pulls" => mix with { CdnOriginPulls = Int(name, value, 1) },
                "--channel-affinity" => mix with { ChannelAffinity = Share(name, value) },
                "--nic-gbps-per-node" => mix with { NicGbpsPerNode = Number(name, value, minimum: 0.1) },
                "--cores-per-node" => mix with { CoresPerNode = Int(name, value, 1) },
                "--memory-gib-per-node" => mix with { MemoryGiBPerNode = Number(name, value, minimum: 1) },
                "--spare-nodes" => mix with { SpareNodes = Int(name, value, 0) },
                _ => throw new FormatException($"unknown option {name}"),
            };
        }
        return mix;
    }

    private static int Int(string name, string value, int minimum) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum
            ? parsed
            : throw new FormatException($"{name} must be a whole number of at least {minimum}, not '{value}'");

    private static double Number(string name, string value, double minimum = 0) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum && double.IsFinite(parsed)
            ? parsed
            : throw new FormatException($"{name} must be a number of at least {minimum.ToString(CultureInfo.InvariantCulture)}, not '{value}'");

    private static double Share(string name, string value) =>
        Number(name, value) is var share && share <= 1 ? share : throw new FormatException($"{name} must be between 0 and 1, not '{value}'");
}
