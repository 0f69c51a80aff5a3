namespace CommunityStream.Cli;

/// <summary>The admin API answered with an error status; <see cref="Exception.Message"/> is the line csctl prints.</summary>
internal sealed class AdminApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
