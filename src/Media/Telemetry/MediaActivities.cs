using System.Diagnostics;

namespace CommunityStream.Media.Telemetry;

/// <summary>The media module's trace spans (<see cref="MediaModule.ActivitySourceName"/>); free when nothing listens.</summary>
internal static class MediaActivities
{
    public static readonly ActivitySource Source = new(MediaModule.ActivitySourceName);

    /// <summary>A span for one WHIP or WHEP offer, inside the request's HTTP span.</summary>
    public static Activity? StartOffer(string name, string channel)
    {
        var activity = Source.StartActivity(name);
        activity?.SetTag("media.channel", channel);
        return activity;
    }
}
