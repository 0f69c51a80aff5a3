using System.Text.RegularExpressions;
using CommunityStream.Web.Assets;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Web.Tests.Support;

/// <summary>One in-process node shared by the tests of a class that only read from it.</summary>
public sealed partial class NodeFixture : IAsyncLifetime
{
    public InProcessNode Node { get; private set; } = null!;

    internal WebAssets Assets => Node.App.Services.GetRequiredService<WebAssets>();

    public async Task InitializeAsync() => Node = await InProcessNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>The URL of the module a page's HTML loads (a real fingerprinted asset URL).</summary>
    public async Task<string> ModuleOfAsync(string path)
    {
        var html = await Node.Http.GetStringAsync(path);
        var script = ScriptSource().Match(html);
        Assert.True(script.Success, $"{path} loads its module");
        return script.Groups[1].Value;
    }

    [GeneratedRegex("<script type=\"module\" src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
