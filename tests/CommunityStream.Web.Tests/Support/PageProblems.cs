using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Support;

/// <summary>
/// Everything a page reported that a user should never cause: console errors, uncaught exceptions and CSP or
/// Trusted Types violations (Chromium logs those as console errors too; the listener below also catches reports
/// from <c>securitypolicyviolation</c> events, which carry the directive).
/// </summary>
public sealed class PageProblems
{
    private readonly ConcurrentQueue<string> _problems = new();

    private PageProblems()
    {
    }

    public IReadOnlyCollection<string> All => _problems;

    /// <summary>Starts recording on <paramref name="page"/>; call before the first navigation.</summary>
    public static async Task<PageProblems> WatchAsync(IPage page)
    {
        var problems = new PageProblems();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsHandledApiAnswer(message))
            {
                problems._problems.Enqueue($"console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems._problems.Enqueue($"uncaught: {error}");
        await page.ExposeFunctionAsync("__cspViolation", (string report) => problems._problems.Enqueue($"CSP: {report}"));
        await page.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));");
        return problems;
    }

    /// <summary>
    /// Chromium logs every HTTP error answer as "Failed to load resource". From the JSON API, WHIP/WHEP or HLS that is an
    /// answer the page handles (a channel that is offline or does not exist, a wrong password); a failed page or
    /// asset is still a problem.
    /// </summary>
    private static bool IsHandledApiAnswer(IConsoleMessage message) =>
        message.Text.StartsWith("Failed to load resource: the server responded with a status of", StringComparison.Ordinal)
        && Uri.TryCreate(message.Location, UriKind.Absolute, out var url)
        && (url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal) || url.AbsolutePath.StartsWith("/whep/", StringComparison.Ordinal)
            || url.AbsolutePath.StartsWith("/whip/", StringComparison.Ordinal) || url.AbsolutePath.StartsWith("/hls/", StringComparison.Ordinal));

    /// <summary>Fails with every recorded problem, if any.</summary>
    public void AssertNone() => Assert.True(_problems.IsEmpty, "page problems:\n" + string.Join("\n", _problems));
}
