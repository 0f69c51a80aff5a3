using System.Globalization;
using System.Net;

namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// Settings a host can bind and validate to build the transport: the one UDP socket (<see cref="WebRtcEndpoint"/>),
/// the addresses announced in SDP candidates (a public IP behind NAT, Docker or Kubernetes), and the handshake and
/// consent limits (<see cref="Dtls.DtlsHandshaker"/>, <see cref="WebRtcTransport"/>). The library reads no
/// configuration itself; CommunityStream binds this from the <see cref="Section"/> section, and
/// <see cref="Validate"/> names settings that way.
/// </summary>
public sealed class WebRtcTransportOptions
{
    /// <summary>The configuration section CommunityStream binds these settings from; the library itself reads no configuration.</summary>
    public const string Section = "Media";

    /// <summary>UDP port of the shared socket; 0 picks a free port (tests).</summary>
    public int UdpPort { get; set; } = 40000;

    /// <summary>Address the socket binds to.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Addresses written as host candidates; empty means the bind address. Required with a wildcard bind
    /// (<c>0.0.0.0</c>, <c>::</c>); behind NAT or a container port mapping, the address clients reach the UDP port on.
    /// </summary>
    public IList<string> AnnouncedAddresses { get; } = [];

    /// <summary>DTLS handshakes running at once (each holds a thread while it waits for the peer).</summary>
    public int MaxConcurrentHandshakes { get; set; } = 32;

    /// <summary>A DTLS handshake that has not finished after this long fails (and closes its transport).</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>RFC 7675: without a valid ICE check for this long, the transport closes.</summary>
    public int ConsentTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Send each viewer's run of equal-sized packets as one UDP GSO message (Linux 4.18+; ignored elsewhere, and
    /// switched off by itself where the kernel refuses it). Off only to compare or to rule it out.
    /// </summary>
    public bool UdpSegmentation { get; set; } = true;

    /// <summary>The first problem with these settings, naming the setting, or null when they are usable.</summary>
    public string? Validate()
    {
        if (UdpPort is < 0 or > 65535)
        {
            return $"Media:UdpPort {UdpPort} is not a UDP port";
        }
        if (!IPAddress.TryParse(BindAddress, out var bind))
        {
            return $"Media:BindAddress '{BindAddress}' is not an IP address";
        }
        var bad = AnnouncedAddresses.FirstOrDefault(a => !IPAddress.TryParse(a, out _));
        if (bad is not null)
        {
            return $"Media:AnnouncedAddresses '{bad}' is not an IP address";
        }
        var unspecified = AnnouncedAddresses.FirstOrDefault(a => IsUnspecified(IPAddress.Parse(a)));
        if (unspecified is not null)
        {
            return $"Media:AnnouncedAddresses '{unspecified}' cannot be reached by a browser; announce the address clients connect to";
        }
        // The socket is of the bind address's family only (not dual-mode): a candidate of the other family gets no packets.
        var otherFamily = AnnouncedAddresses.FirstOrDefault(a => IPAddress.Parse(a).AddressFamily != bind.AddressFamily);
        if (otherFamily is not null)
        {
            return $"Media:AnnouncedAddresses '{otherFamily}' is not of the same IP family as Media:BindAddress '{BindAddress}', so the socket would never receive its packets";
        }
        // A candidate of 0.0.0.0 reaches nobody: a wildcard bind (containers) needs the address clients see.
        if (IsUnspecified(bind) && AnnouncedAddresses.Count == 0)
        {
            return $"Media:AnnouncedAddresses must be set when Media:BindAddress is {BindAddress} (the address browsers reach this node's UDP port on, e.g. the host's public IP)";
        }
        if (MaxConcurrentHandshakes is < 1 or > 1024)
        {
            return "Media:MaxConcurrentHandshakes must be 1-1024";
        }
        if (HandshakeTimeoutSeconds is < 1 or > 120 || ConsentTimeoutSeconds is < 5 or > 300)
        {
            return "Media:HandshakeTimeoutSeconds must be 1-120 and Media:ConsentTimeoutSeconds 5-300";
        }
        return null;
    }

    private static bool IsUnspecified(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>Where the socket binds.</summary>
    public IPEndPoint BindEndPoint => new(IPAddress.Parse(BindAddress), UdpPort);

    /// <summary>Host candidates for SDP answers, on the port the socket actually got.</summary>
    public IReadOnlyList<IPEndPoint> Candidates(int boundPort) =>
        (AnnouncedAddresses.Count > 0 ? AnnouncedAddresses : [BindAddress])
            .Select(a => new IPEndPoint(IPAddress.Parse(a), boundPort))
            .ToList();

    /// <summary><c>udp address:port</c>, for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"udp {BindAddress}:{UdpPort}");
}
