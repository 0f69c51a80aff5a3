using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Media.Signalling;
using CommunityStream.Media.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Hls;

/// <summary>
/// LL-HLS over HTTP (docs/media.md, "LL-HLS"): <c>GET</c>/<c>HEAD /hls/{channel}/index.m3u8</c> (blocking reload and
/// delta updates), <c>init-…mp4</c>, <c>seg-…m4s</c> and <c>part-…m4s</c>, on any node; a private channel's URLs
/// carry a token segment, <c>/hls/{channel}/{token}/…</c>. Media objects have immutable names and are cacheable for a
/// year; playlists for a second, blocking ones by their query.
/// </summary>
internal static class HlsEndpoints
{
    public const string PlaylistType = "application/vnd.apple.mpegurl";
    public const string PartReadyHeader = "X-Part-Ready";
    private const string Immutable = "public, max-age=31536000, immutable";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var hls = endpoints.MapGroup("/hls").WithTags("Media").RequireCors(MediaCors.Policy).AllowAnonymous();
        Document(hls.MapMethods("/{channel}/{file}", ["GET", "HEAD"], (string channel, string file, HttpContext context, HlsRequestServices services, CancellationToken cancel) =>
                ServeAsync(channel, null, file, context, services, cancel))
            .WithName("HlsFile")
            .WithSummary("A live channel's LL-HLS media playlist (index.m3u8, with _HLS_msn/_HLS_part/_HLS_skip), init segment, segment or part."));
        Document(hls.MapMethods("/{channel}/{token}/{file}", ["GET", "HEAD"], (string channel, string token, string file, HttpContext context, HlsRequestServices services, CancellationToken cancel) =>
                ServeAsync(channel, token, file, context, services, cancel))
            .WithName("HlsPrivateFile")
            .WithSummary("The same for a private channel: the token from GET /api/streams/{channel} in the path."));
    }

    private static void Document(RouteHandlerBuilder route) =>
        route.Produces<string>(StatusCodes.Status200OK, PlaylistType, "video/mp4", "video/iso.segment")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ServeAsync(string channel, string? token, string file, HttpContext context, HlsRequestServices services, CancellationToken cancel)
    {
        var response = context.Response;
        HlsCors.Apply(response, services.AnyOrigin, services.ExposedHeaders);
        // Errors are not for caches: a channel that is offline now may be live in a second.
        response.Headers.CacheControl = "no-store";
        if (ChannelName.TryNormalize(channel) is not { } name || HlsNames.Parse(file) is not { } resource)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such HLS resource.");
        }
        if (!services.Options.Value.Hls.Enabled)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "HLS is not enabled on this server.");
        }
        var summary = services.Directory.Find(name, DateTimeOffset.UtcNow);
        var hls = services.Channels.Find(name);
        if (hls is null)
        {
            if (summary?.PublisherNode is not { } node || node == services.SelfAddress)
            {
                return Offline(name);
            }
            hls = await services.Mirrors.GetAsync(name, node, cancel);
            if (hls is null)
            {
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream's HLS is not available on this node.",
                    $"Its publisher's node {node} did not provide it; try again.");
            }
        }
        if (hls.UnavailableReason is { } reason)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "This channel has no HLS.", reason);
        }
        var window = hls.Window!;
        // The directory lags a new stream by up to 2 s: the entity says whether it is private then.
        var isPrivate = summary?.Private ?? await services.IsPrivateAsync(name, cancel);
        if (isPrivate is null)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.");
        }
        if (isPrivate == true && !services.Access.Verify(name, token))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "This channel is private.",
                "Its HLS URLs carry a token: take the playlist URL from GET /api/streams/{channel} with an access token.");
        }
        if (isPrivate == false && token is not null)
        {
            // Any token segment on a public channel would be a free cache-busting key.
            return Problems.Status(StatusCodes.Status404NotFound, "No such HLS resource.", "This channel is public: its URLs have no token.");
        }
        hls.Touch();
        var held = new HeldRequests(hls, services.Channels.Counters, services.Options.Value.Hls);
        return resource.Kind switch
        {
            HlsResourceKind.Playlist => await PlaylistAsync(window, context, held, services.Options.Value.Hls.PartReadyHeader, cancel),
            _ when resource.Epoch != window.Epoch => Problems.Status(StatusCodes.Status404NotFound, "No such HLS resource.", "It belongs to an earlier run of this channel."),
            HlsResourceKind.Init => window.Init((int)resource.Number) is { } init
                ? Write(context, services.Channels.Counters, HlsRequestKind.Init, "video/mp4", $"\"{window.Epoch}-i{resource.Number}\"", Immutable, [init])
                : Problems.Status(StatusCodes.Status404NotFound, "No such init segment."),
            HlsResourceKind.Segment => window.FindSegment(resource.Number) is { } parts
                ? Write(context, services.Channels.Counters, HlsRequestKind.Segment, "video/iso.segment", $"\"{window.Epoch}-s{resource.Number}\"", Immutable, [.. parts.Select(p => p.Part.Bytes)])
                : Problems.Status(StatusCodes.Status404NotFound, "No such segment.", "It is not complete yet, or no longer in the window."),
            _ => await PartAsync(window, resource.Number, context, held, cancel),
        };
    }

    private static async Task<IResult> PlaylistAsync(HlsChannelWindow window, HttpContext context, HeldRequests held, bool partReadyHeader, CancellationToken cancel)
    {
        var counters = held.Counters;
        var (query, problem) = HlsPlaylistQuery.Parse(context.Request.Query);
        if (query is null)
        {
            return Problems.Validation("query", problem!);
        }
        var timeout = window.Settings.BlockingTimeout;
        HlsWaitResult result;
        if (query.Msn is { } msn)
        {
            result = await WaitAsync(window, w => w.CheckPlaylist(msn, query.Part), timeout, held, cancel);
            if (result == HlsWaitResult.TooFar)
            {
                return Problems.Validation("_HLS_msn", $"_HLS_msn={msn}&_HLS_part={query.Part} is more than two segments after the playlist's last, "
                    + $"or more than {window.Settings.AdvancePartLimit} parts after its last part; reload without it.");
            }
        }
        else
        {
            // A new stream's first part may be a moment away (its first keyframe): wait for it as for a blocking reload.
            result = await WaitAsync(window, w => w.NextPartNumber > 0 || w.Ended ? HlsWaitResult.Ready : HlsWaitResult.Wait, timeout, held, cancel);
        }
        if (result == HlsWaitResult.Busy)
        {
            return Busy(context);
        }
        if (result == HlsWaitResult.Wait)
        {
            // RFC 8216bis §6.2.5.2: a request not satisfied within three target durations gets 503.
            context.Response.Headers.RetryAfter = "1";
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The requested part is not there yet.",
                $"It did not appear within {timeout.TotalSeconds:0} s; reload the playlist without _HLS_msn.");
        }
        if (window.Playlist(query.Skip) is not { } playlist)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "The stream ended before its first part.");
        }
        // A blocking response answers its query for good (a later one only adds parts), so caches key it by the
        // query; a plain reload is fresh for a second, HTTP's finest max-age (half a part target would be below it).
        // A channel's MSNs never go back across its runs (the first is Unix time in segment targets), so a query is
        // never answered by two runs — except an ended run's ENDLIST, which answers any near-future MSN: it is
        // cached for a second only, or a quick restart's players would get it from caches (docs/media.md).
        var cache = query.Msn is null || window.Ended ? "public, max-age=1" : "public, max-age=60";
        if (partReadyHeader && query.Msn is { } awaited && window.AwaitedPartWrittenAt(awaited, query.Part) is { } written)
        {
            context.Response.Headers[PartReadyHeader] = written.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }
        return Write(context, counters, query.Msn is null ? HlsRequestKind.Playlist : HlsRequestKind.BlockingPlaylist, PlaylistType, playlist.ETag, cache, [playlist.Body]);
    }

    private static async Task<IResult> PartAsync(HlsChannelWindow window, long number, HttpContext context, HeldRequests held, CancellationToken cancel)
    {
        var counters = held.Counters;
        // The preload hint names the next part before it exists: its request is held until the part is written.
        var result = await WaitAsync(window, w => w.CheckPart(number), window.Settings.BlockingTimeout, held, cancel);
        if (result == HlsWaitResult.Busy)
        {
            return Busy(context);
        }
        if (result == HlsWaitResult.Wait)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The part is not there yet.");
        }
        return result == HlsWaitResult.Ready && window.FindPart(number) is { } part
            ? Write(context, counters, HlsRequestKind.Part, "video/iso.segment", $"\"{window.Epoch}-p{number}\"", Immutable, [part.Part.Bytes])
            : Problems.Status(StatusCodes.Status404NotFound, "No such part.", "It is no longer in the window, or further ahead than the preload hint.");
    }

    private static async Task<HlsWaitResult> WaitAsync(HlsChannelWindow window, Func<HlsChannelWindow, HlsWaitResult> check, TimeSpan timeout, HeldRequests held, CancellationToken cancel)
    {
        var now = check(window);
        if (now != HlsWaitResult.Wait || window.Abandoned)
        {
            return now;
        }
        // Held requests are capped per node and per channel: each costs a socket and a wake-up per window change.
        if (!held.Counters.TryWaitStart(held.Options.MaxHeldRequestsPerNode))
        {
            held.Counters.WaitRefused();
            return HlsWaitResult.Busy;
        }
        if (!held.Channel.TryWaitStart(held.Options.MaxHeldRequestsPerChannel))
        {
            held.Counters.WaitEnded();
            held.Counters.WaitRefused();
            return HlsWaitResult.Busy;
        }
        try
        {
            return await window.WaitAsync(check, timeout, cancel);
        }
        finally
        {
            held.Channel.WaitEnded();
            held.Counters.WaitEnded();
        }
    }

    private static IResult Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Too many blocking requests are held.",
            "This server holds a bounded number of blocking playlist and part requests; try again in a second.");
    }

    private static IResult Write(HttpContext context, HlsCounters counters, HlsRequestKind kind, string contentType, string etag, string cacheControl, ReadOnlyMemory<byte>[] body)
    {
        var response = context.Response;
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = etag;
        if (HlsConditional.IfNoneMatchMatches(context.Request.Headers.IfNoneMatch, etag))
        {
            counters.Served(kind, 0);
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var length = body.Sum(b => (long)b.Length);
        counters.Served(kind, HttpMethods.IsHead(context.Request.Method) ? 0 : length);
        return new BytesResult(contentType, length, body);
    }

    /// <summary>What bounds the held requests of one request's channel.</summary>
    private sealed record HeldRequests(HlsChannel Channel, HlsCounters Counters, HlsOptions Options);

    private static IResult Offline(string channel) =>
        Problems.Status(StatusCodes.Status404NotFound, "This channel is not live.", $"'{channel}' has no live stream with HLS on this server.");

    /// <summary>Writes the pieces in order (a segment is its parts), without copying them into one buffer.</summary>
    private sealed class BytesResult(string contentType, long length, ReadOnlyMemory<byte>[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = contentType;
            response.ContentLength = length;
            if (HttpMethods.IsHead(httpContext.Request.Method))
            {
                return;
            }
            foreach (var piece in body)
            {
                await response.Body.WriteAsync(piece, httpContext.RequestAborted);
            }
        }
    }
}

/// <summary>What an HLS request needs, resolved once per request from the container.</summary>
internal sealed class HlsRequestServices(
    HlsChannels channels, HlsMirrors mirrors, HlsAccess access, StreamDirectory directory, IOptions<StreamingOptions> options,
    ActorSystem system, IRequiredActor<StreamRegionMarker> region, IOptions<CorsOptions> cors)
{
    private string? _self;

    public HlsChannels Channels => channels;

    public HlsMirrors Mirrors => mirrors;

    public HlsAccess Access => access;

    public StreamDirectory Directory => directory;

    public IOptions<StreamingOptions> Options => options;

    /// <summary>The media CORS policy allows any origin (then every /hls response says <c>Access-Control-Allow-Origin: *</c>).</summary>
    public bool AnyOrigin { get; } = cors.Value.GetPolicy(MediaCors.Policy)?.AllowAnyOrigin ?? false;

    /// <summary>The media policy's exposed headers, for <c>Access-Control-Expose-Headers</c> on responses to requests without Origin.</summary>
    public string ExposedHeaders { get; } = string.Join(", ", cors.Value.GetPolicy(MediaCors.Policy)?.ExposedHeaders ?? []);

    public string SelfAddress => _self ??= Cluster.Get(system).SelfAddress.ToString();

    /// <summary>Whether the channel is private, from its entity (null when it did not answer).</summary>
    public async Task<bool?> IsPrivateAsync(string channel, CancellationToken cancel) =>
        await region.AskAsync(new StreamCommands.GetSummary(channel), cancel) is StreamSummary summary ? summary.Private : null;
}
