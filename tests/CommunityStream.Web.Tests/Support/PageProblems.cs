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
            if (message.Type == "error")
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

    /// <summary>Fails with every recorded problem, if any.</summary>
    public void AssertNone() => Assert.True(_problems.IsEmpty, "page problems:\n" + string.Join("\n", _problems));

    /// <summary>
    /// Like <see cref="AssertNone"/>, but a test that provokes an HTTP error on purpose (a wrong password, a 404 page)
    /// names its statuses: Chromium logs every failed response as a console error.
    /// </summary>
    public void AssertNoneBut(params int[] expectedStatuses)
    {
        var unexpected = _problems.Where(p => !expectedStatuses.Any(status =>
            p == $"console error: Failed to load resource: the server responded with a status of {status} ({ReasonOf(status)})")).ToList();
        Assert.True(unexpected.Count == 0, "page problems:\n" + string.Join("\n", unexpected));
    }

    private static string ReasonOf(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
