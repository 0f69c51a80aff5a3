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
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "CommunityStream.sln")))
            {
                root = root.Parent;
            }
            if (root is null)
            {
                throw new InvalidOperationException($"No CommunityStream.sln above {AppContext.BaseDirectory}");
            }
            var dll = Path.Combine(root.FullName, "src", "Host", "bin", configuration, testBin.Name, "CommunityStream.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/Host first", dll);
        }
    }
}
