using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// Screenshots of the pages, kept as test artifacts in <c>TestResults/screenshots/</c> at the repository root (CI
/// uploads the folder; the README's copies live in docs/screenshots/).
/// </summary>
internal static class Screenshots
{
    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    /// <summary>Saves <paramref name="page"/> (the viewport, or all of it) as <c>{name}.png</c> and returns the path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name, bool fullPage = false)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CommunityStream.sln")))
            {
                return directory.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }
}
