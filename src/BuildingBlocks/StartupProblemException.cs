namespace CommunityStream.BuildingBlocks;

/// <summary>
/// A module cannot start because of its environment or settings (a port in use, a path it cannot write); its message
/// is the one line the Host prints before it exits with code 2, naming the setting to change.
/// </summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);
