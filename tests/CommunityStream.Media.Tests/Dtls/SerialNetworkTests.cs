namespace CommunityStream.Media.Tests.Dtls;

/// <summary>
/// Loopback UDP tests with real handshakes and timers run alone, after the parallel classes: in full CI runs
/// their handshakes timed out while CPU-heavy fuzz classes ran beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialNetworkTests
{
    public const string Name = "Serial loopback network tests";
}
