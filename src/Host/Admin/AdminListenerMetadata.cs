namespace CommunityStream.Host.Admin;

/// <summary>Endpoint metadata: this endpoint answers only on the admin listener (see <see cref="AdminEndpointConventions"/>).</summary>
public sealed class AdminListenerMetadata
{
    /// <summary>The one instance; the metadata carries no data.</summary>
    public static AdminListenerMetadata Instance { get; } = new();

    private AdminListenerMetadata()
    {
    }
}
