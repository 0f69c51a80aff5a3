using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Media.Hls;

/// <summary>The HMAC key of HLS tokens: <c>Media:Hls:TokenSecret</c>, or one generated for this process (with a warning in a cluster).</summary>
internal static partial class HlsTokenSecret
{
    public static byte[] Resolve(HlsOptions options, IConfiguration configuration, ILogger logger)
    {
        if (options.TokenSecret is { Length: > 0 } configured && HlsOptions.TryDecode(configured, out var bytes))
        {
            return bytes;
        }
        // Seed nodes or a discovery method mean other nodes: their players' tokens would not verify here.
        var clustered = configuration.GetSection("Cluster:SeedNodes").GetChildren().Any()
            || !string.Equals(configuration["Cluster:Discovery"] ?? "None", "None", StringComparison.OrdinalIgnoreCase);
        if (clustered)
        {
            LogGeneratedInCluster(logger);
        }
        else
        {
            LogGenerated(logger);
        }
        return RandomNumberGenerator.GetBytes(32);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media:Hls:TokenSecret is not set: this process made its own, so private channels' HLS tokens work only on the node that issued them. Set the same secret on every node")]
    private static partial void LogGeneratedInCluster(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media:Hls:TokenSecret is not set: this process made its own for private channels' HLS tokens (set it in production)")]
    private static partial void LogGenerated(ILogger logger);
}
