using Akka.Actor;
using Akka.Hosting;

namespace CommunityStream.Media.Streams;

/// <summary>Asks a channel's <see cref="StreamActor"/> from an HTTP request; a timeout becomes a rejection with code <c>unavailable</c>.</summary>
internal static class StreamAsks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<object> AskAsync(this IRequiredActor<StreamRegionMarker> region, IStreamCommand command, CancellationToken cancel)
    {
        try
        {
            var actor = await region.GetAsync(cancel);
            return await actor.Ask<object>(command, Timeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return new StreamReplies.Rejected("unavailable", $"The stream of '{command.Channel}' did not answer in time.");
        }
    }
}
