using System.Net;

namespace CommunityStream.LoadGen.Tests;

public class OptionsTests
{
    [Fact]
    public void Defaults_parse_with_a_token()
    {
        var o = LoadGenOptions.Parse(["--token", "t"]);
        Assert.Equal(new Uri("ws://127.0.0.1:8080/ws"), o.Url);
        Assert.Equal(100, o.Connections);
        Assert.Equal(StampClock.Monotonic, o.EffectiveClock);
        Assert.Equal(100, o.EffectiveSliceCount);
    }

    [Fact]
    public void Every_option_parses()
    {
        var o = LoadGenOptions.Parse([
            "--url", "ws://127.0.0.1:9000/ws", "--http=http://127.0.0.1:9000", "--connections", "5000", "--rooms", "3",
            "--room-sizes", "one-big:4000", "--publishers", "6", "--rate", "10.5", "--duration", "60", "--ramp-rate", "500",
            "--source-addresses", "127.0.0.1, 127.0.0.2", "--users", "4", "--idle", "--server-pids", "10,11", "--server-pid", "12",
            "--json", "out.json", "--processes", "2", "--message-size", "120", "--history", "5", "--auth-readers", "--quiet",
            "--setup", "channel", "--admin", "admin:pw",
        ]);
        Assert.Equal(9000, o.Url.Port);
        Assert.Equal(9000, o.Http.Port);
        Assert.Equal(5000, o.Connections);
        Assert.Equal(3, o.Rooms);
        Assert.Equal("one-big:4000", o.RoomSizes);
        Assert.Equal(6, o.Publishers);
        Assert.Equal(10.5, o.Rate);
        Assert.Equal(60, o.Duration);
        Assert.Equal(500, o.RampRate);
        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")], o.SourceAddresses);
        Assert.Equal(4, o.Users);
        Assert.True(o.Idle);
        Assert.True(o.AuthenticatedReaders);
        Assert.Equal([10, 11, 12], o.ServerPids);
        Assert.Equal("out.json", o.Json);
        Assert.Equal(2, o.Processes);
        Assert.Equal(StampClock.Wall, o.EffectiveClock);
        Assert.Equal(RoomSetup.Channel, o.Setup);
    }

    [Theory]
    [InlineData("--connections", "-1")]
    [InlineData("--rooms", "0")]
    [InlineData("--rate", "abc")]
    [InlineData("--duration", "0")]
    [InlineData("--bogus", "1")]
    [InlineData("--room-names", "a,b")]
    [InlineData("--setup", "create")]
    public void Bad_values_are_rejected(string name, string value) =>
        Assert.ThrowsAny<ArgumentException>(() => LoadGenOptions.Parse(["--token", "t", "--rooms", "3", name, value]));

    [Fact]
    public void Address_ranges_expand()
    {
        var addresses = LoadGenOptions.Addresses("127.0.0.2-4,10.0.0.1");
        Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4", "10.0.0.1"], addresses.Select(a => a.ToString()));
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Addresses("127.0.0.5-4"));
    }

    [Fact]
    public void Publishers_need_a_token_unless_idle()
    {
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--publishers", "1"]));
        Assert.True(LoadGenOptions.Parse(["--idle"]).Idle);
        Assert.Equal(0, LoadGenOptions.Parse(["--publishers", "0"]).Publishers);
    }

    [Fact]
    public void Room_names_set_the_room_count()
    {
        var o = LoadGenOptions.Parse(["--room-names", "alice,bob", "--token", "t"]);
        Assert.Equal(2, o.Rooms);
        Assert.Equal("bob", o.RoomName(1));
        Assert.Equal("lgroom7", LoadGenOptions.Parse(["--token", "t"]).RoomName(7));
    }

    [Fact]
    public void Uniform_sizes_spread_the_remainder()
    {
        Assert.Equal([4, 3, 3], RoomLayout.SizesOf("uniform", 10, 3));
        Assert.Equal([7, 2, 1], RoomLayout.SizesOf("one-big:7", 10, 3));
        Assert.Equal([1, 2, 7], RoomLayout.SizesOf("1,2,7", 10, 3));
        Assert.Throws<ArgumentException>(() => RoomLayout.SizesOf("1,2", 10, 3));
        Assert.Throws<ArgumentException>(() => RoomLayout.SizesOf("one-big:5", 10, 1));
    }

    [Fact]
    public void Layout_assigns_rooms_and_publishers()
    {
        var layout = RoomLayout.Create("2,0,3", 5, 3, publishers: 4);
        Assert.Equal([0, 0, 2, 2, 2], Enumerable.Range(0, 5).Select(layout.RoomOf));
        // Publishers dealt round-robin: room 0 gets 2, room 1 (empty) none, room 2 gets 1.
        Assert.Equal([2, 0, 1], layout.PublishersPerRoom);
        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(layout.IsPublisher));
    }

    [Fact]
    public void Children_get_their_slice_addresses_and_no_parent_only_options()
    {
        string[] args = ["--connections", "10", "--processes", "2", "--users", "3", "--idle", "--json", "x.json",
            "--source-addresses", "127.0.0.1,127.0.0.2,127.0.0.3", "--server-pid=5", "--rate", "4", "--ramp-rate", "100"];
        var options = LoadGenOptions.Parse(args);
        var slices = Coordinator.Slices(0, 10, 3);
        Assert.Equal([(0, 4), (4, 3), (7, 3)], slices);
        var child = Coordinator.ChildArgs(args, options, 1, (5, 5), "tok", "c1.json");
        var parsed = LoadGenOptions.Parse(child);
        Assert.Equal(5, parsed.SliceStart);
        Assert.Equal(5, parsed.EffectiveSliceCount);
        Assert.Equal(1, parsed.Processes);
        Assert.Equal(0, parsed.Users);
        Assert.Empty(parsed.ServerPids);
        Assert.True(parsed.Idle);
        Assert.Equal(4, parsed.Rate);
        Assert.Equal(50, parsed.RampRate);
        Assert.Equal("c1.json", parsed.Json);
        Assert.Equal("tok", parsed.TokensFile);
        Assert.Equal(StampClock.Wall, parsed.EffectiveClock);
        Assert.Equal([IPAddress.Parse("127.0.0.2")], parsed.SourceAddresses);
    }
}
