using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// Who may publish to (or end) a channel over WHIP: the bearer is either the channel's stream key (<c>sk_…</c>, what
/// OBS sends) or an Identity access token of the channel's owner (what the browser studio sends). Stream keys are told
/// apart by their prefix, so a key is never sent to the token validator or the other way round.
/// </summary>
internal static class PublisherCredential
{
    private const string StreamKeyPrefix = "sk_";

    /// <summary>
    /// Null when the bearer may publish to <paramref name="channel"/> (owned by <paramref name="owner"/>, a streamer);
    /// otherwise the problem to answer: 401 without a valid credential, 403 for a valid access token of another user
    /// or of an owner without the streamer role.
    /// </summary>
    public static async Task<IResult?> RefuseAsync(
        HttpContext context, string channel, UserSummary owner, string bearer, IStreamKeyValidator keys, ITokenValidator tokens, CancellationToken cancel)
    {
        if (IsStreamKey(bearer))
        {
            return await keys.ValidateStreamKeyAsync(channel, bearer, cancel) is null
                ? Unauthorized(context, "The stream key is not this channel's current key.")
                : null;
        }
        if (await tokens.ValidateAccessTokenAsync(bearer, cancel) is not { } user)
        {
            return Unauthorized(context, "The bearer is neither this channel's stream key nor a valid access token.");
        }
        if (user.Id != owner.Id)
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Not your channel.", "Only the channel's owner may publish to it with an access token.");
        }
        return IsStreamer(owner)
            ? null
            : Problems.Status(StatusCodes.Status403Forbidden, "The streamer role is required.", "Ask an administrator for the streamer role to go live.");
    }

    public static bool IsStreamKey(string bearer) => bearer.StartsWith(StreamKeyPrefix, StringComparison.Ordinal);

    public static bool IsStreamer(UserSummary user) => user.Roles.Contains(Roles.Streamer) || user.Roles.Contains(Roles.Admin);

    public static IResult Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Status(StatusCodes.Status401Unauthorized, "A valid stream key or access token is required.", detail);
    }
}
