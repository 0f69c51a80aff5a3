using CommunityStream.Web.Assets;

namespace CommunityStream.Web.Emotes;

/// <summary>The default emotes: every <c>wwwroot/emotes/{name}.svg</c> shipped in this assembly, by name.</summary>
internal sealed class EmoteSet(WebAssets assets)
{
    public const string Folder = "emotes/";

    public IReadOnlyList<Emote> All { get; } = [.. assets.StaticPaths
        .Where(path => path.StartsWith(Folder, StringComparison.Ordinal) && path.EndsWith(".svg", StringComparison.Ordinal))
        .Select(path => new Emote(path[Folder.Length..^".svg".Length], $"{assets.Prefix}/{path}"))
        .OrderBy(emote => emote.Name, StringComparer.Ordinal)];
}

/// <summary>One emote: <c>:name:</c> in chat text is shown as the image at <paramref name="Url"/>.</summary>
internal sealed record Emote(string Name, string Url);
