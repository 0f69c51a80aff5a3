using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;

namespace CommunityStream.Chat.Fanout;

/// <summary>
/// Keeps one <see cref="LocalRoomSubscriber"/> per room that has local connections: created on the
/// first attach, stopped when the last connection leaves. So a room's events cross to this node once.
/// It also hears when a channel goes live or offline (<see cref="StreamStatusChanged"/>, published once per
/// change by the Media module) and passes it to the channel room's local subscriber, if it has one.
/// </summary>
internal sealed class LocalRoomsActor : ReceiveActor
{
    public const string Name = "chat-local-rooms";

    private readonly Dictionary<RoomId, (IActorRef Subscriber, int Connections)> _rooms = [];
    private long _generation;

    public LocalRoomsActor(IActorRef roomRegion, ChatOptions options, ChatMetrics metrics)
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(StreamStatusChanged.Topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<StreamStatusChanged>(status =>
        {
            if (RoomId.TryParse(status.Channel) is { } room && _rooms.TryGetValue(room, out var entry))
            {
                entry.Subscriber.Forward(status);
            }
        });
        Receive<LocalRoomMessages.Attach>(attach =>
        {
            if (!_rooms.TryGetValue(attach.Room, out var entry))
            {
                // A fresh name per generation: the previous subscriber of the room may still be stopping.
                var name = $"{attach.Room.Value}-{++_generation}";
                entry = (Context.ActorOf(Props.Create(() => new LocalRoomSubscriber(attach.Room, roomRegion, options, metrics)), name), 0);
                metrics.RoomOpened();
            }
            _rooms[attach.Room] = (entry.Subscriber, entry.Connections + 1);
            entry.Subscriber.Forward(attach);
        });
        Receive<LocalRoomMessages.Detach>(detach =>
        {
            if (!_rooms.TryGetValue(detach.Room, out var entry))
            {
                return;
            }
            if (entry.Connections <= 1)
            {
                _rooms.Remove(detach.Room);
                Context.Stop(entry.Subscriber);
                metrics.RoomClosed();
            }
            else
            {
                _rooms[detach.Room] = (entry.Subscriber, entry.Connections - 1);
                entry.Subscriber.Forward(detach);
            }
        });
        Receive<LocalRoomsQuery>(_ => Sender.Tell(new LocalRoomsReport(
            Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(),
            [.. _rooms.Select(r => new LocalRoomMembers(r.Key.Value, r.Value.Connections))])));
        Receive<LocalRoomMessages.Seen>(seen =>
        {
            if (_rooms.TryGetValue(seen.Room, out var entry))
            {
                entry.Subscriber.Forward(seen);
            }
        });
    }
}
