using System.Diagnostics;

namespace CommunityStream.Chat.Telemetry;

/// <summary>The chat module's trace spans (<see cref="ChatModule.ActivitySourceName"/>); free when nothing listens.</summary>
internal static class ChatActivities
{
    public static readonly ActivitySource Source = new(ChatModule.ActivitySourceName);
}
