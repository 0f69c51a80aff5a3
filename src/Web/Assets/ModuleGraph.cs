using System.Text.RegularExpressions;

namespace CommunityStream.Web.Assets;

/// <summary>
/// The static imports between the app's ES modules. A page preloads its module's whole graph
/// (<c>&lt;link rel="modulepreload"&gt;</c>), so the browser fetches every module at once instead of discovering them
/// one import at a time: on the watch page that is the difference between one round trip and five before the player
/// can start.
/// </summary>
internal static partial class ModuleGraph
{
    /// <summary>
    /// Every module <paramref name="entry"/> imports statically, directly or not, in a stable order (dependencies
    /// first), without the entry itself. Paths are relative to <c>wwwroot</c>; dynamic <c>import()</c> is left out.
    /// </summary>
    public static IReadOnlyList<string> ImportsOf(string entry, Func<string, string?> source)
    {
        var ordered = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { entry };
        Visit(entry);
        return ordered;

        void Visit(string module)
        {
            if (source(module) is not { } text)
            {
                return;
            }
            foreach (Match import in StaticImport().Matches(text))
            {
                var target = Resolve(module, import.Groups["path"].Value);
                if (seen.Add(target))
                {
                    Visit(target);
                    ordered.Add(target);
                }
            }
        }
    }

    private static string Resolve(string from, string relative)
    {
        var parts = from.Split('/').SkipLast(1).ToList();
        foreach (var segment in relative.Split('/'))
        {
            if (segment == "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (segment != ".")
            {
                parts.Add(segment);
            }
        }
        return string.Join('/', parts);
    }

    // `import x from './a.js'`, `import { a,\n b } from '../b.js'`, `import './c.js'`, `export { d } from './d.js'`,
    // each at the start of a line (our modules put them there; a string or comment elsewhere is not an import).
    [GeneratedRegex(@"^[ \t]*(?:import|export)\b(?:[^;'""`]*?\bfrom)?[ \t]*['""](?<path>\.{1,2}/[^'""]+)['""]", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StaticImport();
}
