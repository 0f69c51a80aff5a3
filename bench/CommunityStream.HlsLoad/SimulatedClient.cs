using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CommunityStream.HlsLoad;

/// <summary>
/// One LL-HLS client as a player behaves at the live edge: a plain playlist load, then forever a blocking reload for
/// the part after the last one listed (RFC 8216bis §6.2.5.2: `_HLS_msn` and `_HLS_part`; a part index past the
/// segment's last part means part 0 of the next segment), then a GET of every part that reload listed anew. When the
/// reload answers, the awaited part's readiness delay is recorded: arrival minus the server's completion time (the
/// <c>--ready-header</c>), or minus the end of the part's media by EXT-X-PROGRAM-DATE-TIME when there is no header.
/// </summary>
internal sealed class SimulatedClient(HttpClient http, HlsLoadOptions options, MeasureWindow window)
{
    public ClientTally Tally { get; } = new();

    public async Task RunAsync(TimeSpan startDelay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(startDelay, stop);
            PlaylistPart? last = null;
            var playlist = (await LoadAsync(options.Url, stop))?.Playlist;
            last = playlist?.Last;
            while (!stop.IsCancellationRequested)
            {
                if (playlist is null || last is null || !playlist.CanBlockReload)
                {
                    // Nothing to block on yet (no parts, a failed load): ask again shortly, never in a tight loop.
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.2, playlist?.PartTarget ?? 0.5)), stop);
                    playlist = (await LoadAsync(options.Url, stop))?.Playlist;
                    last = playlist?.Last ?? last;
                    continue;
                }
                var next = new UriBuilder(options.Url)
                {
                    Query = string.Create(CultureInfo.InvariantCulture, $"_HLS_msn={last.Msn}&_HLS_part={last.Index + 1}"),
                }.Uri;
                var reload = await LoadAsync(next, stop);
                if (reload is null)
                {
                    playlist = null;
                    continue;
                }
                playlist = reload.Playlist;
                var fresh = playlist.After(last).ToList();
                if (fresh.Count == 0)
                {
                    Tally.EmptyReloads++;
                    continue;
                }
                Record(fresh[0], reload);
                if (window.Contains(reload.ArrivalTicks))
                {
                    foreach (var part in fresh)
                    {
                        Tally.SeenParts.Add((part.Msn, part.Index));
                    }
                }
                last = fresh[^1];
                if (options.FetchParts)
                {
                    foreach (var part in fresh)
                    {
                        await FetchPartAsync(new Uri(options.Url, part.Uri), stop);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The part the reload waited for (the first one after what we had): its readiness delay and arrival.</summary>
    private void Record(PlaylistPart awaited, Loaded reload)
    {
        if (!window.Contains(reload.ArrivalTicks))
        {
            return;
        }
        Tally.Arrivals.Add((awaited.Msn, awaited.Index, reload.ArrivalTicks));
        if (reload.ReadyAt is { } ready)
        {
            Tally.ReadyFromHeader = true;
            Tally.ReadyDelaysMs.Add((reload.ArrivalWall - ready).TotalMilliseconds);
        }
        else if (awaited.MediaEnd is { } end)
        {
            Tally.ReadyDelaysMs.Add((reload.ArrivalWall - end).TotalMilliseconds);
        }
    }

    private sealed record Loaded(LivePlaylist Playlist, long ArrivalTicks, DateTimeOffset ArrivalWall, DateTimeOffset? ReadyAt);

    private async Task<Loaded?> LoadAsync(Uri url, CancellationToken stop)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, stop);
            var arrival = Stopwatch.GetTimestamp();
            var arrivalWall = DateTimeOffset.UtcNow;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Tally.Error(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                await Task.Delay(200, stop);
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(stop);
            Tally.Reloads++;
            Tally.PlaylistBytes += text.Length;
            return new Loaded(LivePlaylist.Parse(text), arrival, arrivalWall, ReadyAt(response));
        }
        catch (HttpRequestException e)
        {
            Tally.Error(e.HttpRequestError.ToString());
            await Task.Delay(200, stop);
            return null;
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            Tally.Error("timeout");
            return null;
        }
    }

    private DateTimeOffset? ReadyAt(HttpResponseMessage response) =>
        response.Headers.TryGetValues(options.ReadyHeader, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unixMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            : null;

    private async Task FetchPartAsync(Uri url, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Tally.Error("part " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                return;
            }
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            long bytes = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, stop)) > 0)
            {
                bytes += read;
            }
            Tally.Parts++;
            Tally.PartBytes += bytes;
        }
        catch (HttpRequestException e)
        {
            Tally.Error("part " + e.HttpRequestError);
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            Tally.Error("part timeout");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
