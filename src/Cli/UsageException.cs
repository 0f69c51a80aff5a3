namespace CommunityStream.Cli;

/// <summary>A command line that parsed but cannot be used (a bad URL, a missing login): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
