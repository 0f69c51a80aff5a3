using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CommunityStream.Web.Assets;

/// <summary>
/// Picks the content coding of a response from <c>Accept-Encoding</c> (RFC 9110 §12.5.3): the highest quality wins,
/// the smaller coding on a tie (Brotli, then gzip, then none); an explicit entry overrides <c>*</c>, and
/// <c>q=0</c> means "not acceptable". A coding that would not make the file smaller is never chosen.
/// </summary>
internal static class ContentCoding
{
    public const string Brotli = "br";
    public const string Gzip = "gzip";

    /// <summary>The coding to send (<c>br</c>, <c>gzip</c>) or null for the file as it is.</summary>
    public static string? Negotiate(StringValues acceptEncoding, WebAsset asset)
    {
        if (StringValues.IsNullOrEmpty(acceptEncoding)
            || !StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings) || codings.Count == 0)
        {
            return null;
        }

        string? best = null;
        var bestQuality = QualityOf(codings, "identity", identity: true);
        if (asset.Gzip.Length < asset.Identity.Length && QualityOf(codings, Gzip, identity: false) is var gzip && gzip > 0 && gzip >= bestQuality)
        {
            (best, bestQuality) = (Gzip, gzip);
        }
        if (asset.Brotli.Length < asset.Identity.Length && QualityOf(codings, Brotli, identity: false) is var brotli && brotli > 0 && brotli >= bestQuality)
        {
            best = Brotli;
        }
        return best;
    }

    /// <summary>The body in <paramref name="coding"/>.</summary>
    public static byte[] Body(WebAsset asset, string? coding) => coding switch
    {
        Brotli => asset.Brotli,
        Gzip => asset.Gzip,
        _ => asset.Identity,
    };

    private static double QualityOf(IList<StringWithQualityHeaderValue> codings, string coding, bool identity)
    {
        double? wildcard = null;
        foreach (var entry in codings)
        {
            if (entry.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Quality ?? 1;
            }
            if (entry.Value.Equals("*", StringComparison.Ordinal))
            {
                wildcard = entry.Quality ?? 1;
            }
        }
        // Identity is acceptable unless excluded by name or by "*;q=0"; other codings only when listed or covered by "*".
        return wildcard ?? (identity ? 1 : 0);
    }
}
