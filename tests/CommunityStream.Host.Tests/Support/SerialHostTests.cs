namespace CommunityStream.Host.Tests.Support;

/// <summary>Tests that start Host processes or nodes run one at a time: two cores, and real ports.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialHostTests
{
    public const string Name = "Host processes";
}
