using Akka.Actor;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// How code outside the actors (HTTP handlers, the relay connector) talks to a session's owner: an ask that also
/// watches the owner, so an owner that stops instead of answering — its session or feed ended meanwhile — is known
/// at once rather than after the timeout.
/// </summary>
internal static class SessionAsks
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The owner's answer; null when it stopped first or did not answer within <see cref="Timeout"/>.</summary>
    public static async Task<object?> AskAsync(IActorRef owner, object message, CancellationToken cancel)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(Timeout);
        var stopped = owner.WatchAsync(bounded.Token);
        var answer = owner.Ask<object>(message, bounded.Token);
        try
        {
            await Task.WhenAny(answer, stopped);
            return answer.IsCompletedSuccessfully ? answer.Result : null;
        }
        finally
        {
            // Ends the watch (and the ask, if it is still waiting).
            await bounded.CancelAsync();
        }
    }

    /// <summary>
    /// Opens a viewer's session on <paramref name="feed"/>: true once its owner (the feed's child) is registered. When
    /// the feed ended meanwhile (or did not answer), false, and the viewer's transport is closed here.
    /// </summary>
    public static async Task<bool> OpenViewerAsync(LiveFeed feed, SessionCommands.OpenViewer open, CancellationToken cancel)
    {
        if (await AskAsync(feed.Owner, open, cancel) is SessionReplies.ViewerOpened)
        {
            return true;
        }
        open.Transport.Dispose();
        return false;
    }

    /// <summary>Tells the owner to close and waits until it has stopped (a feed: after its viewers); false if it did not within <see cref="Timeout"/>.</summary>
    public static async Task<bool> CloseAsync(IActorRef owner, string reason, CancellationToken cancel)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(Timeout);
        var stopped = owner.WatchAsync(bounded.Token);
        owner.Tell(new SessionCommands.Close(reason));
        return await stopped;
    }
}
