using System.Diagnostics;
using System.Net.WebSockets;
using Akka.Actor;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Gateway;

/// <summary>What the connection does with each client frame.</summary>
internal sealed partial class ChatConnection
{
    private async Task HandleFrameAsync(ClientFrame? frame, FrameError? error, CancellationToken shutdown)
    {
        if (frame is null)
        {
            Reject(error!.Code, error.Message, error.Ref);
            return;
        }
        switch (frame.Type)
        {
            case "ping":
                _outbox.Enqueue(ServerFrames.Simple("pong", frame.Ref));
                break;
            case "join":
                await JoinAsync(frame);
                break;
            case "leave":
                Leave(frame);
                break;
            case "send":
            case "mod":
                await StartRoomCommandAsync(frame, shutdown);
                break;
            case "refresh":
                await RefreshAsync(frame, shutdown);
                break;
        }
    }

    private async Task JoinAsync(ClientFrame frame)
    {
        if (RoomId.TryParse(frame.Room) is not { } room)
        {
            Reject("room_not_found", "Room names are 3 to 25 letters, digits or underscores.", frame.Ref);
            return;
        }
        if (Array.IndexOf(_rooms, room) >= 0)
        {
            if (!_outbox.WasSentAway(room))
            {
                // The client has the history and receives the room live: answering again would let a 60-byte frame
                // fetch the whole retained history over and over. Counts toward the abuse close.
                Reject("already_joined", "The room is already joined on this connection; leave it to join again.", frame.Ref);
                return;
            }
            // Closed while we were a member: join again (it may have reopened).
            Detach(room);
        }
        if (_rooms.Length >= _options.MaxRoomsPerConnection)
        {
            Reject("too_many_rooms", $"At most {_options.MaxRoomsPerConnection} rooms per connection.", frame.Ref);
            return;
        }
        if (frame.History is < 0 or > 100)
        {
            Reject("bad_frame", "`history` is 0 to 100.", frame.Ref);
            return;
        }

        // Subscribe locally first (holding live frames back), then read history from the room: no message
        // can fall between the two, and the held frames already in the history are dropped.
        _outbox.BeginJoin(room);
        _rooms = [.. _rooms, room];
        object reply;
        try
        {
            await _localRooms.Ask<LocalRoomMessages.Attached>(new LocalRoomMessages.Attach(room, _outbox), _askTimeout);
            reply = await RoomAsk.AskAsync(_region, new RoomCommands.Join(room, User, frame.History ?? _options.HistoryOnJoin, frame.Recover), repeatable: true, _askTimeout);
        }
        catch (AskTimeoutException)
        {
            reply = new Rejected("unavailable", "The room did not answer in time; try again.");
        }
        if (reply is Joined joined)
        {
            _outbox.CompleteJoin(room, ServerFrames.Joined(joined, frame.Ref, _deleted), joined.Offset);
            _metrics.Joined();
            _localRooms.Tell(new LocalRoomMessages.Seen(room, joined.Offset));
            return;
        }
        Detach(room);
        var rejected = reply as Rejected ?? new Rejected("unavailable", "Unexpected reply.");
        Reject(rejected.Code, rejected.Message, frame.Ref, rejected.RetryAfterMs);
    }

    private void Leave(ClientFrame frame)
    {
        if (RoomId.TryParse(frame.Room) is not { } room || Array.IndexOf(_rooms, room) < 0)
        {
            Reject("not_joined", "The room is not joined on this connection.", frame.Ref);
            return;
        }
        Detach(room);
        _outbox.Enqueue(ServerFrames.Simple("left", frame.Ref, room.Value));
    }

    private void Detach(RoomId room)
    {
        _rooms = Array.FindAll(_rooms, joined => joined != room);
        _localRooms.Tell(new LocalRoomMessages.Detach(room, _outbox));
        _outbox.CancelJoin(room);
    }

    private async Task StartRoomCommandAsync(ClientFrame frame, CancellationToken shutdown)
    {
        var receivedAt = _metrics.StagesEnabled ? Stopwatch.GetTimestamp() : 0;
        if (RoomId.TryParse(frame.Room) is not { } room || Array.IndexOf(_rooms, room) < 0)
        {
            Reject("not_joined", "The room is not joined on this connection.", frame.Ref);
            return;
        }
        IRoomCommand command;
        if (frame.Type == "send")
        {
            command = new RoomCommands.Post(room, User, frame.Text!, frame.ClientId, receivedAt == 0 ? 0 : DateTime.UtcNow.Ticks);
        }
        else if (User is { } user)
        {
            command = new RoomCommands.Moderate(room, user, frame.Moderation!);
        }
        else
        {
            Reject("forbidden", "Anonymous connections cannot moderate.", frame.Ref);
            return;
        }
        // Commands run concurrently (acks carry `ref`), but at most a few per connection: a flood waits here. Created
        // on the first command (the read loop's thread): an idle socket never posts.
        _inFlight ??= new SemaphoreSlim(MaxInFlightCommands);
        await _inFlight.WaitAsync(shutdown);
        _ = AskRoomAsync(command, frame.Ref, receivedAt);
    }

    private async Task AskRoomAsync(IRoomCommand command, string? reference, long receivedAt)
    {
        try
        {
            // A post with a client id is deduplicated by the room, so it may be sent again; other commands are not.
            var reply = await RoomAsk.AskAsync(_region, command, repeatable: command is RoomCommands.Post { ClientId: not null }, _askTimeout);
            switch (reply)
            {
                case Acked ack:
                    _outbox.Enqueue(ServerFrames.Ack(ack, reference));
                    _metrics.Posted();
                    _metrics.Acked(receivedAt);
                    break;
                case Moderated moderated:
                    _outbox.Enqueue(ServerFrames.Write(w =>
                    {
                        w.WriteString("type", "mod_ok");
                        w.WriteString("room", moderated.Room.Value);
                        w.WriteString("action", moderated.Action);
                        if (reference is not null)
                        {
                            w.WriteString("ref", reference);
                        }
                    }));
                    break;
                case Rejected rejected:
                    Reject(rejected.Code, rejected.Message, reference, rejected.RetryAfterMs);
                    break;
            }
        }
        catch (AskTimeoutException)
        {
            _outbox.Enqueue(ServerFrames.Error("unavailable", "The room did not answer in time; safe to retry with the same clientId.", reference));
        }
        finally
        {
            try
            {
                _inFlight!.Release();
            }
            catch (ObjectDisposedException)
            {
                // The connection ended while the room was answering.
            }
        }
    }

    private async Task RefreshAsync(ClientFrame frame, CancellationToken shutdown)
    {
        var user = await _tokens.ValidateAccessTokenAsync(frame.AccessToken!, shutdown);
        if (user is null || _user is null || user.Id != _user.Id)
        {
            Reject("invalid_token", "The token is invalid, expired, or for another account.", frame.Ref);
            // A refused token may mean the account was disabled: then the connection ends now.
            if (_user is not null && await _directory.FindByIdAsync(_user.Id, shutdown) is { Disabled: true })
            {
                RequestClose((WebSocketCloseStatus)4003, "account_disabled");
            }
            return;
        }
        _user = user;
        var previous = _refreshed!;
        _refreshed = new CancellationTokenSource();
        await previous.CancelAsync();
        previous.Dispose();
        _outbox.Enqueue(ServerFrames.WithTime("refreshed", "expiresAt", user.ExpiresAt ?? DateTimeOffset.MaxValue, frame.Ref));
    }

    /// <summary>Sends an error; invalid frames and limit violations count towards the abuse limit (close 4029).</summary>
    private void Reject(string code, string message, string? reference, long? retryAfterMs = null)
    {
        _outbox.Enqueue(ServerFrames.Error(code, message, reference, retryAfterMs));
        _metrics.Rejected(code);
        if (code is "unavailable" or "room_not_found" or "not_joined" or "banned" or "forbidden" or "timed_out")
        {
            return;
        }
        var now = DateTime.UtcNow;
        // Created on the first violation; replies and the reader may both get here.
        var violations = _violations ?? Interlocked.CompareExchange(ref _violations, new Queue<DateTime>(), null) ?? _violations;
        lock (violations)
        {
            violations.Enqueue(now);
            while (violations.Peek() < now - AbuseWindow)
            {
                violations.Dequeue();
            }
            if (violations.Count >= AbuseLimit)
            {
                RequestClose((WebSocketCloseStatus)4029, "abuse");
            }
        }
    }
}
