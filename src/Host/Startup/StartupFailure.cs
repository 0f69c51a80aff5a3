using System.Net.Sockets;
using Akka.Remote;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Configuration;

namespace CommunityStream.Host.Startup;

/// <summary>Turns a start-up exception into the one line an operator needs.</summary>
public static class StartupFailure
{
    /// <summary>Exit code of a node that could not start.</summary>
    public const int ExitCode = 2;

    /// <summary>A single-line description of why the node could not start.</summary>
    /// <param name="exception">What stopped the start.</param>
    /// <param name="admin">The admin listener's settings once read, so a bind failure on its port names <c>Admin:Url</c>.</param>
    public static string Describe(Exception exception, AdminSettings? admin = null)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case StartupConfigurationException config:
                    return config.Message;
                case StartupProblemException problem:
                    return problem.Message;
                case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                    || io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    // Kestrel names the address it failed on; AdminPortGuard catches the usual case before, this the race.
                    if (admin is { Port: > 0 } && io.Message.Contains($":{admin.Port}:", StringComparison.Ordinal))
                    {
                        return $"Admin address is already in use: {FirstLine(io.Message)} (set Admin:Url / CS_Admin__Url).";
                    }
                    return $"HTTP address is already in use: {FirstLine(io.Message)} (set Http:Url / CS_Http__Url).";
                case RemoteTransportException remote:
                    return $"Cluster port cannot be bound: {FirstLine(remote.InnerException?.Message ?? remote.Message)} (set Cluster:Port / CS_Cluster__Port).";
            }
        }
        var root = exception.GetBaseException();
        return $"{root.GetType().Name}: {FirstLine(root.Message)}";
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
