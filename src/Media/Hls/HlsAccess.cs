namespace CommunityStream.Media.Hls;

/// <summary>Issues and checks the tokens of private channels' HLS URLs (<see cref="HlsToken"/>), with the configured lifetime.</summary>
internal sealed class HlsAccess(HlsToken token, TimeSpan lifetime, TimeProvider clock)
{
    public string Issue(string channel) => token.Issue(channel, clock.GetUtcNow(), lifetime);

    public bool Verify(string channel, string? given) => given is not null && token.Verify(channel, given, clock.GetUtcNow());

    /// <summary>The playlist URL of a channel, with the token in the path when it has one.</summary>
    public static string PlaylistUrl(string channel, string? token) =>
        token is null ? $"/hls/{channel}/{HlsNames.Playlist}" : $"/hls/{channel}/{token}/{HlsNames.Playlist}";
}
