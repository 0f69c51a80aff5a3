using System.Diagnostics;
using System.Globalization;

namespace CommunityStream.Failover;

/// <summary>
/// For <c>--scenario partition</c> (root only): each node in its own network namespace, joined to the bench's
/// namespace by a veth pair on one bridge (<c>10.231.N.0/24</c>, the bench at <c>.1</c>, node i at <c>.(10+i)</c>).
/// Cutting a node takes its bridge-side veth down: the node loses the other nodes, the database and the clients
/// at once, as when a machine drops off the network. Everything is deleted at the end (and on a kill of the bench).
/// </summary>
internal sealed class NetworkLab(int nodes)
{
    private readonly string _tag = Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
    private readonly int _subnet = Random.Shared.Next(0, 250);
    private bool _removed;

    public string BridgeAddress => $"10.231.{_subnet}.1";

    public string NodeAddress(int index) => string.Create(CultureInfo.InvariantCulture, $"10.231.{_subnet}.{10 + index}");

    public string Namespace(int index) => string.Create(CultureInfo.InvariantCulture, $"csfo{_tag}n{index}");

    private string Bridge => $"csfo{_tag}br";

    private string HostSide(int index) => string.Create(CultureInfo.InvariantCulture, $"csfo{_tag}h{index}");

    private string NodeSide(int index) => string.Create(CultureInfo.InvariantCulture, $"csfo{_tag}p{index}");

    public void Create()
    {
        Ip($"link add {Bridge} type bridge");
        Ip($"addr add {BridgeAddress}/24 dev {Bridge}");
        Ip($"link set {Bridge} up");
        for (var i = 0; i < nodes; i++)
        {
            Ip($"netns add {Namespace(i)}");
            Ip($"link add {HostSide(i)} type veth peer name {NodeSide(i)}");
            Ip($"link set {NodeSide(i)} netns {Namespace(i)}");
            Ip($"link set {HostSide(i)} master {Bridge}");
            Ip($"link set {HostSide(i)} up");
            Ip($"netns exec {Namespace(i)} ip addr add {NodeAddress(i)}/24 dev {NodeSide(i)}");
            Ip($"netns exec {Namespace(i)} ip link set {NodeSide(i)} up");
            Ip($"netns exec {Namespace(i)} ip link set lo up");
        }
    }

    /// <summary>Takes node <paramref name="index"/>'s link down (true) or up again (false).</summary>
    public void SetCut(int index, bool cut) => Ip($"link set {HostSide(index)} {(cut ? "down" : "up")}");

    /// <summary>Deletes the namespaces, veths and bridge; safe to call twice and after a partial <see cref="Create"/>.</summary>
    public void Remove()
    {
        if (_removed)
        {
            return;
        }

        _removed = true;
        for (var i = 0; i < nodes; i++)
        {
            Ip($"link del {HostSide(i)}", mustSucceed: false);
            Ip($"netns del {Namespace(i)}", mustSucceed: false);
        }

        Ip($"link del {Bridge}", mustSucceed: false);
    }

    private static void Ip(string arguments, bool mustSucceed = true)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments.Split(' '))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit(10_000);
        if (mustSucceed && (!process.HasExited || process.ExitCode != 0))
        {
            throw new InvalidOperationException($"ip {arguments}: {errors.Trim()}");
        }
    }
}
