using System.Net;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> the node believes (<c>Http:KnownProxies</c>, <c>Http:KnownNetworks</c>).
/// Per-client limits key on <see cref="ClientOf"/>: the rightmost address of the chain that is not a trusted proxy,
/// the same rule as ASP.NET Core's forwarded-headers middleware, so the HTTP pipeline and the chat upgrade taken before
/// HTTP agree. With none configured the header is ignored: anyone could write it.
/// </summary>
public sealed class TrustedProxies
{
    /// <summary>The header's name (a de-facto standard; RFC 7239's <c>Forwarded</c> is not read).</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>Trusts nobody: every client is its TCP peer.</summary>
    public static TrustedProxies None { get; } = new([], []);

    /// <summary>Trusts <paramref name="proxies"/> and every address in <paramref name="networks"/>.</summary>
    public TrustedProxies(IReadOnlyList<IPAddress> proxies, IReadOnlyList<IPNetwork> networks)
    {
        Proxies = proxies;
        Networks = networks;
    }

    /// <summary>Single proxy addresses.</summary>
    public IReadOnlyList<IPAddress> Proxies { get; }

    /// <summary>Proxy networks (CIDR).</summary>
    public IReadOnlyList<IPNetwork> Networks { get; }

    /// <summary>True when no proxy is trusted.</summary>
    public bool IsEmpty => Proxies.Count == 0 && Networks.Count == 0;

    /// <summary>Whether <paramref name="address"/> is a trusted proxy (an IPv4-mapped IPv6 peer counts as its IPv4 address).</summary>
    public bool Trusts(IPAddress address)
    {
        if (IsEmpty)
        {
            return false;
        }
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        foreach (var proxy in Proxies)
        {
            if (proxy.Equals(address) || (v4 is not null && proxy.Equals(v4)))
            {
                return true;
            }
        }
        foreach (var network in Networks)
        {
            if (network.Contains(address) || (v4 is not null && network.Contains(v4)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The client behind <paramref name="peer"/>: walks <paramref name="forwardedFor"/> (comma-separated, each proxy
    /// appends the address it saw) from the right while the address at hand is a trusted proxy. An entry that is not an
    /// address ends the walk at the last trusted hop, as ASP.NET Core does.
    /// </summary>
    public IPAddress ClientOf(IPAddress peer, string? forwardedFor)
    {
        if (string.IsNullOrWhiteSpace(forwardedFor) || !Trusts(peer))
        {
            return peer;
        }
        var client = peer;
        var entries = forwardedFor.Split(',', StringSplitOptions.TrimEntries);
        for (var i = entries.Length - 1; i >= 0 && Trusts(client); i--)
        {
            if (entries[i].Length == 0)
            {
                continue; // "a, , b": skipped, as ASP.NET Core does
            }
            if (!TryParseEntry(entries[i], out var address))
            {
                break;
            }
            client = address;
        }
        return client;
    }

    // An entry is an address, optionally with a port ("203.0.113.7:5123", "[2001:db8::1]:443").
    private static bool TryParseEntry(string entry, out IPAddress address)
    {
        if (IPEndPoint.TryParse(entry, out var endPoint))
        {
            address = endPoint.Address;
            return true;
        }
        address = IPAddress.None;
        return false;
    }
}
