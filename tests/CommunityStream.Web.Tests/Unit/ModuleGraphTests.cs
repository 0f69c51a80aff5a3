using CommunityStream.Web.Assets;

namespace CommunityStream.Web.Tests.Unit;

/// <summary>The static import graph a page preloads.</summary>
public sealed class ModuleGraphTests
{
    private static readonly Dictionary<string, string> Modules = new()
    {
        ["js/pages/watch.js"] = """
            // @ts-check
            import { h, $ } from '../dom.js';
            import {
              mountPlayer,
            } from '../player/view.js';
            import '../side-effect.js';
            const later = await import('../lazy.js');
            const text = "import x from './not-an-import.js'";
            """,
        ["js/player/view.js"] = "import { negotiate } from '../webrtc/signalling.js';\nexport { h } from '../dom.js';\n",
        ["js/webrtc/signalling.js"] = "import { view } from '../player/view.js'; // a cycle\n",
        ["js/dom.js"] = "export const h = 1;\n",
        ["js/side-effect.js"] = "",
    };

    [Fact]
    public void Should_list_every_static_import_once_dependencies_first()
    {
        var imports = ModuleGraph.ImportsOf("js/pages/watch.js", Modules.GetValueOrDefault);

        Assert.Equal(["js/dom.js", "js/webrtc/signalling.js", "js/player/view.js", "js/side-effect.js"], imports);
    }

    [Fact]
    public void Should_leave_out_dynamic_imports_strings_and_missing_modules()
    {
        var imports = ModuleGraph.ImportsOf("js/pages/watch.js", Modules.GetValueOrDefault);

        Assert.DoesNotContain("js/lazy.js", imports);
        Assert.DoesNotContain(imports, path => path.Contains("not-an-import", StringComparison.Ordinal));
        Assert.Empty(ModuleGraph.ImportsOf("js/pages/missing.js", Modules.GetValueOrDefault));
    }
}
