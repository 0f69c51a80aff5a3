using System.Diagnostics;
using Akka.Actor;
using CommunityStream.Chat.Telemetry;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// Asks the room region and, for commands that are safe to repeat, sends the command again while no answer came.
/// A room whose node just died is reached through a region that still points at the dead node: the first ask goes to
/// dead letters and only a later one, sent once the shard has a new home, is answered. Without the repeats a client
/// would wait for the whole timeout even though the room was back seconds earlier.
/// </summary>
internal static class RoomAsk
{
    // A room is back within about a second of its shard finding a new home. Connections keep at most a few commands
    // in flight, so repeats while a journal is merely slow stay few (and the room answers a duplicate from memory).
    private static readonly TimeSpan Repeat = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The room's answer within <paramref name="timeout"/>; throws <see cref="AskTimeoutException"/> when none came.
    /// <paramref name="repeatable"/> commands (reads, and posts with a client id the room deduplicates) are re-sent.
    /// </summary>
    public static async Task<object> AskAsync(IActorRef region, object command, bool repeatable, TimeSpan timeout)
    {
        // A span per ask when traces are exported: which command, how long the room took, and whether it answered.
        using var activity = ChatActivities.Source.StartActivity("chat.room.ask", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("chat.command", command.GetType().Name);
            activity.SetTag("chat.room", (command as Rooms.IWithRoomId)?.Room.Value);
        }
        try
        {
            var reply = await AskOnceOrRepeatedlyAsync(region, command, repeatable, timeout);
            activity?.SetTag("chat.reply", reply.GetType().Name);
            return reply;
        }
        catch (AskTimeoutException) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, "the room did not answer in time");
            throw;
        }
    }

    private static async Task<object> AskOnceOrRepeatedlyAsync(IActorRef region, object command, bool repeatable, TimeSpan timeout)
    {
        if (!repeatable)
        {
            return await region.Ask<object>(command, timeout);
        }
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new AskTimeoutException($"The room did not answer within {timeout}.");
            }
            try
            {
                return await region.Ask<object>(command, left < Repeat ? left : Repeat);
            }
            catch (AskTimeoutException) when (Stopwatch.GetElapsedTime(started) < timeout)
            {
                // Sent again below.
            }
        }
    }
}
