using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Tests.Rooms;

public sealed class DeferredRepliesTests
{
    private readonly DeferredReplies _replies = new();
    private readonly List<string> _sent = [];

    [Fact]
    public void Should_send_at_once_when_nothing_is_being_written()
    {
        _replies.Send(() => _sent.Add("a"));

        Assert.Equal(["a"], _sent);
    }

    [Fact]
    public void Should_wait_for_the_events_before_it_and_not_for_those_after_it()
    {
        _replies.Persisting(2);
        _replies.Send(() => _sent.Add("after 2"));
        _replies.Persisting(1);
        _replies.Send(() => _sent.Add("after 3"));

        _replies.Persisted();
        Assert.Empty(_sent);
        _replies.Persisted();
        Assert.Equal(["after 2"], _sent);
        _replies.Persisted();
        Assert.Equal(["after 2", "after 3"], _sent);
    }

    [Fact]
    public void Should_answer_waiting_replies_with_their_abandon_action_when_the_writes_failed()
    {
        _replies.Persisting(1);
        _replies.Send(() => _sent.Add("ack"), () => _sent.Add("unavailable"));

        _replies.Abandon();
        Assert.Equal(["unavailable"], _sent);
        // Not sent later either.
        _replies.Persisted();
        Assert.Equal(["unavailable"], _sent);
    }

    [Fact]
    public void Should_keep_the_order_of_replies_released_together()
    {
        _replies.Persisting(1);
        _replies.Send(() => _sent.Add("first"));
        _replies.Send(() => _sent.Add("second"));

        _replies.Persisted();
        _replies.Send(() => _sent.Add("third"));

        Assert.Equal(["first", "second", "third"], _sent);
    }
}
