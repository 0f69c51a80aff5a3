using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace CommunityStream.EndToEnd.Tests.Support;

/// <summary>
/// "Another machine" on this one (../shared/TESTING.md): a network namespace joined to the host by a veth pair,
/// 10.2xx.y.1/24 on the host side and .2 inside, with names and subnet unique per run. Deleted on dispose; needs root
/// and iproute2. Programs run inside through <c>ip netns exec</c>.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private NetworkNamespace(string name, string hostLink, IPAddress hostAddress, IPAddress namespaceAddress)
    {
        Name = name;
        HostLink = hostLink;
        HostAddress = hostAddress;
        NamespaceAddress = namespaceAddress;
    }

    /// <summary>The namespace's name (<c>ip netns</c>).</summary>
    public string Name { get; }

    /// <summary>The host side of the veth pair.</summary>
    public string HostLink { get; }

    /// <summary>The host side's address: what the namespace reaches the host on.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The address of the namespace's end of the pair.</summary>
    public IPAddress NamespaceAddress { get; }

    /// <summary>Why namespaces cannot be made here (not root, no <c>ip</c>), or null when they can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux only";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "making a network namespace needs root (CI runs as root)";
        }
        return IpCommand is null ? "iproute2's `ip` is not installed (apt-get install -y iproute2; .ci/run does it)" : null;
    }

    private static string? IpCommand =>
        new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    public static async Task<NetworkNamespace> CreateAsync()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        // Interface names are at most 15 characters; the subnet is random within 10.200-249.x.0/24.
        var subnet = string.Create(CultureInfo.InvariantCulture, $"10.{200 + RandomNumberGenerator.GetInt32(50)}.{RandomNumberGenerator.GetInt32(256)}");
        var space = new NetworkNamespace($"csnet{id}", $"csv{id}h", IPAddress.Parse(subnet + ".1"), IPAddress.Parse(subnet + ".2"));
        var inner = $"csv{id}n";
        try
        {
            await IpAsync("netns", "add", space.Name);
            await IpAsync("link", "add", space.HostLink, "type", "veth", "peer", "name", inner);
            await IpAsync("link", "set", inner, "netns", space.Name);
            await IpAsync("addr", "add", $"{space.HostAddress}/24", "dev", space.HostLink);
            await IpAsync("link", "set", space.HostLink, "up");
            await IpAsync("-n", space.Name, "addr", "add", $"{space.NamespaceAddress}/24", "dev", inner);
            await IpAsync("-n", space.Name, "link", "set", inner, "up");
            await IpAsync("-n", space.Name, "link", "set", "lo", "up");
        }
        catch
        {
            await space.DisposeAsync();
            throw;
        }
        return space;
    }

    /// <summary>A shell script that runs <paramref name="program"/> inside the namespace with the caller's arguments.</summary>
    public string WrapperScript(string program, string directory)
    {
        var path = Path.Combine(directory, $"in-{Name}.sh");
        File.WriteAllText(path, $"#!/bin/sh\nexec {IpCommand} netns exec {Name} {program} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting the namespace removes its end of the pair, and with it the host's end; both are tried regardless.
        await IpAsync(ignoreFailure: true, "netns", "del", Name);
        await IpAsync(ignoreFailure: true, "link", "del", HostLink);
    }

    private static Task IpAsync(params string[] arguments) => IpAsync(ignoreFailure: false, arguments);

    private static async Task IpAsync(bool ignoreFailure, params string[] arguments)
    {
        var start = new ProcessStartInfo(IpCommand ?? "ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await errors).Trim()}");
        }
    }
}
