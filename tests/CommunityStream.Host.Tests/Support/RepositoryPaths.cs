namespace CommunityStream.Host.Tests.Support;

/// <summary>Finds the Host's own build output, so process tests run the real binary with its own deps and settings.</summary>
internal static class RepositoryPaths
{
    public static string HostDll
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory);
            // .../tests/CommunityStream.Host.Tests/bin/{Configuration}/net10.0/
            var configuration = testBin.Parent!.Name;
            var dll = Path.Combine(Root, "src", "Host", "bin", configuration, testBin.Name, "CommunityStream.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/Host first", dll);
        }
    }

    /// <summary>The repository's root (where CommunityStream.sln is).</summary>
    public static string Root
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "CommunityStream.sln")))
            {
                root = root.Parent;
            }
            return root?.FullName ?? throw new InvalidOperationException($"No CommunityStream.sln above {AppContext.BaseDirectory}");
        }
    }
}
