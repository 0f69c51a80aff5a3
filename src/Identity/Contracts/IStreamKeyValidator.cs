namespace CommunityStream.Identity.Contracts;

/// <summary>Checks the stream key an encoder presents when it starts publishing to a channel.</summary>
public interface IStreamKeyValidator
{
    /// <summary>
    /// Returns the channel owner when <paramref name="streamKey"/> is that user's current key; the channel
    /// name is the owner's username (case-insensitive). <see langword="null"/> for a wrong, rotated or
    /// foreign key, an unknown channel, or a disabled account.
    /// </summary>
    Task<AuthenticatedUser?> ValidateStreamKeyAsync(string channel, string streamKey, CancellationToken cancellationToken);
}
