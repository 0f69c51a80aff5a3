namespace CommunityStream.Host.Configuration;

/// <summary>Configuration that cannot work; its message is the one line printed before the process exits.</summary>
public sealed class StartupConfigurationException(string message, Exception? inner = null)
    : Exception(message, inner);
