using System.Globalization;
using System.Text;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Rooms;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomEvents;

namespace CommunityStream.Chat.Warmup;

/// <summary>
/// The pure steps of one chat message, in-process and without sockets: a client's <c>send</c> frame parsed, the room's
/// decision and its event applied, the broadcast and the ack serialized and framed, and now and then a <c>join</c>.
/// Runs on a room of its own that only this object knows; nothing leaves it but the events it returns.
/// </summary>
internal sealed class WarmupPass
{
    // Not a valid room id of the protocol (a hyphen): no client can name it.
    private static readonly RoomId Room = new("chat-warmup");
    private static readonly ChatUser Author = new(Guid.NewGuid(), "warmup", IsAdmin: false, IsSiteModerator: false);

    private RoomState _state;
    private int _sent;

    public WarmupPass(ChatOptions options)
    {
        // Warm-up may post as fast as it likes: the rate limit is not what it exercises.
        var limits = RoomLimits.From(options) with { RateLimitMessages = 1_000_000 };
        _state = RoomState.Empty(limits).Apply(new RoomCreated("e-warmup", null, null, AnonymousRead: true, limits.DefaultRetention, DateTimeOffset.UtcNow));
    }

    /// <summary>Messages processed so far.</summary>
    public int Sent => _sent;

    /// <summary>One message through the pure steps; returns its event for the journal.</summary>
    public IRoomEvent Next()
    {
        var n = ++_sent;
        var clientId = "w" + n.ToString(CultureInfo.InvariantCulture);
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"send","room":"warmup_room","text":"warm-up {{n}}","clientId":"{{clientId}}","ref":"{{n}}"}""");
        var (parsed, error) = ClientFrameParser.Parse(frame);
        if (parsed is null)
        {
            throw new InvalidOperationException($"Warm-up frame refused: {error?.Code}");
        }

        var decision = _state.Process(new Post(Room, Author, parsed.Text ?? "", parsed.ClientId), DateTimeOffset.UtcNow);
        if (decision.Events is not [MessagePosted posted])
        {
            throw new InvalidOperationException($"Warm-up post refused: {decision.Reply}");
        }

        _state = _state.Apply(posted);
        WireFrame.Text(ServerFrames.Message(Room, _state.Epoch, posted.Message));
        WireFrame.Text(ServerFrames.Ack((RoomReplies.Acked)decision.Reply, parsed.Ref));
        if (n % 25 == 0)
        {
            var join = ClientFrameParser.Parse(Encoding.UTF8.GetBytes("""{"type":"join","room":"warmup_room","history":20}""")).Frame!;
            var joined = _state.Process(new Join(Room, null, join.History ?? 0, join.Recover), DateTimeOffset.UtcNow).Reply;
            WireFrame.Text(ServerFrames.Joined((RoomReplies.Joined)joined, join.Ref));
        }

        return posted;
    }
}
