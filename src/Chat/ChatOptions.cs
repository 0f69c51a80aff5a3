namespace CommunityStream.Chat;

/// <summary>Settings of the Chat module, section <c>Chat</c> (environment: <c>CS_Chat__Name</c>). See docs/chat.md.</summary>
public sealed class ChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Chat";

    /// <summary>Messages returned by a plain join when the client does not ask for a number.</summary>
    public int HistoryOnJoin { get; set; } = 50;

    /// <summary>Messages a new room keeps for history and recovery.</summary>
    public int DefaultRetention { get; set; } = 1000;

    /// <summary>Longest message text, in Unicode scalar values.</summary>
    public int MaxMessageLength { get; set; } = 500;

    /// <summary>Messages one user may post in one room per window.</summary>
    public int RateLimitMessages { get; set; } = 20;

    /// <summary>The rate-limit window.</summary>
    public int RateLimitWindowSeconds { get; set; } = 30;

    /// <summary>Owner, moderators and admins may post this many times more.</summary>
    public int ModeratorRateMultiplier { get; set; } = 5;

    /// <summary>
    /// Largest client message; a frame header announcing more, or fragments adding up to more, closes the socket with
    /// 1009 at once.
    /// </summary>
    public int MaxFrameBytes { get; set; } = 4096;

    /// <summary>
    /// A client message (a frame, or the fragments of one message) must arrive whole within this long of its first
    /// byte; one that does not closes the socket with 1008 <c>message_timeout</c>.
    /// </summary>
    public int MessageTimeoutSeconds { get; set; } = 10;

    /// <summary>Rooms one connection may join.</summary>
    public int MaxRoomsPerConnection { get; set; } = 20;

    /// <summary>
    /// Concurrent connections from one IP address: every TCP connection counts from accept (an upgrade not yet
    /// finished, plain HTTP), and one over the limit is answered 429 and closed at once. Behind a trusted reverse proxy
    /// the limit applies to the forwarded client's WebSockets instead (<see cref="MaxConnectionsPerProxy"/>).
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 200;

    /// <summary>
    /// Concurrent connections from one trusted reverse proxy (<c>Http:KnownProxies</c>, <c>Http:KnownNetworks</c>),
    /// counted from accept: it carries many clients, each held to <see cref="MaxConnectionsPerIp"/> once its request
    /// head names it.
    /// </summary>
    public int MaxConnectionsPerProxy { get; set; } = 100_000;

    /// <summary>
    /// A connection must send its whole first request head within this long of accept (Kestrel's
    /// <c>RequestHeadersTimeout</c> is 30 s): an unfinished <c>GET /ws</c> head is answered 408 and closed, a silent
    /// connection closed.
    /// </summary>
    public int RequestHeadTimeoutSeconds { get; set; } = 30;

    /// <summary>Frames queued for one socket before it is closed as a slow consumer (4008).</summary>
    public int OutboundQueueFrames { get; set; } = 1024;

    /// <summary>Rooms with fewer members than this include the member list in presence.</summary>
    public int MemberListThreshold { get; set; } = 100;

    /// <summary>An idle room actor stops after this long (it recovers from the journal on demand).</summary>
    public int PassivateAfterSeconds { get; set; } = 120;

    /// <summary>A room saves a snapshot (and prunes older events) every this many events.</summary>
    public int SnapshotEvery { get; set; } = 200;

    /// <summary>How long the gateway waits for a room to answer before replying <c>unavailable</c>.</summary>
    public int AskTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Accept <c>GET /ws</c> upgrades at the connection level, before HTTP, so an idle socket does not keep an HTTP
    /// request context alive; false sends every upgrade through the HTTP endpoint.
    /// </summary>
    public bool UpgradeBeforeHttp { get; set; } = true;

    /// <summary>
    /// On Linux, the public plain-HTTP listeners (an IP address or any-host <c>Http:Url</c>) accept their sockets in
    /// Chat rather than Kestrel: a chat upgrade then runs on the bare socket, without Kestrel's per-connection pipes
    /// and loops (about 3.6 KB per idle socket), and every other connection is handed to Kestrel unread. False leaves
    /// every socket to Kestrel (the upgrades still go before HTTP when <see cref="UpgradeBeforeHttp"/>). Read at start.
    /// </summary>
    public bool AcceptSocketsItself { get; set; } = true;

    /// <summary>
    /// On the sockets Chat accepts itself, RFC 6455 framing of Chat's own (no buffer and no timer per idle socket)
    /// instead of .NET's WebSocket; false keeps .NET's there. Read per connection.
    /// </summary>
    public bool FrameSocketsItself { get; set; } = true;

    /// <summary>
    /// Sockets framed by Chat get a ping this often from the node's one keep-alive wheel, and one that received
    /// nothing, not even the pong, by the next ping is closed as a dead peer (so within two intervals of going silent).
    /// Other chat sockets keep .NET's 30 s keep-alive. Read at start.
    /// </summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How often each node asks Identity for newly disabled accounts and closes their sockets (4003).</summary>
    public int DisabledAccountSweepSeconds { get; set; } = 2;

    /// <summary>
    /// How often the oldest cluster member looks for newly deleted accounts and makes every room forget their names
    /// (moderator rights, bans, timeouts, ownership) before Identity frees those names.
    /// </summary>
    public int DeletedAccountSweepSeconds { get; set; } = 30;

    /// <summary>
    /// Run the per-message path in-process at start, before the node reports ready, so its methods are compiled at tier 1
    /// before users arrive (docs/operations.md, "Start-up"). Leaves no room and no journal events behind. Off by default:
    /// with the ReadyToRun image it added about 2 s to the time to ready and did not lower a fresh node's p99
    /// (docs/notes/decisions.md, "A fresh node").
    /// </summary>
    public bool WarmupOnStart { get; set; }

    /// <summary>Longest the start-up warm-up may take; readiness waits for it at most this long.</summary>
    public int WarmupSeconds { get; set; } = 5;
}
