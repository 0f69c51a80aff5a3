using System.Globalization;

namespace CommunityStream.LoadGen;

/// <summary>
/// Which room each connection (by global index) joins and which connections publish. Rooms take
/// contiguous index ranges, so a slice of connections given to one child process keeps most rooms
/// whole. A room's publishers are its first members; publishers are dealt to rooms round-robin.
/// </summary>
internal sealed class RoomLayout
{
    private readonly int[] _roomStart;

    public RoomLayout(int[] sizes, int publishers)
    {
        Sizes = sizes;
        _roomStart = new int[sizes.Length + 1];
        for (var r = 0; r < sizes.Length; r++)
        {
            _roomStart[r + 1] = _roomStart[r] + sizes[r];
        }

        PublishersPerRoom = new int[sizes.Length];
        for (var r = 0; r < sizes.Length; r++)
        {
            var share = (publishers / sizes.Length) + (r < publishers % sizes.Length ? 1 : 0);
            PublishersPerRoom[r] = Math.Min(share, sizes[r]);
        }
    }

    public int[] Sizes { get; }

    public int[] PublishersPerRoom { get; }

    public int Connections => _roomStart[^1];

    public int RoomOf(int connection)
    {
        var index = Array.BinarySearch(_roomStart, connection);
        // An exact hit is the first member of that room (empty rooms share a start: take the last).
        if (index >= 0)
        {
            while (index + 1 < Sizes.Length && _roomStart[index + 1] == connection)
            {
                index++;
            }

            return index;
        }

        return ~index - 1;
    }

    public bool IsPublisher(int connection)
    {
        var room = RoomOf(connection);
        return connection - _roomStart[room] < PublishersPerRoom[room];
    }

    public static RoomLayout Create(string spec, int connections, int rooms, int publishers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new RoomLayout(SizesOf(spec, connections, rooms), publishers);
    }

    public static int[] SizesOf(string spec, int connections, int rooms)
    {
        if (spec == "uniform")
        {
            return Uniform(connections, rooms);
        }

        if (spec.StartsWith("one-big:", StringComparison.Ordinal))
        {
            var big = int.Parse(spec["one-big:".Length..], CultureInfo.InvariantCulture);
            if (big > connections || (rooms == 1 && big != connections))
            {
                throw new ArgumentException($"one-big:{big} does not fit {connections} connections in {rooms} rooms");
            }

            return [big, .. Uniform(connections - big, rooms - 1)];
        }

        var sizes = spec.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (sizes.Length != rooms || sizes.Sum() != connections || sizes.Any(s => s < 0))
        {
            throw new ArgumentException($"room sizes '{spec}' must list {rooms} non-negative sizes summing to {connections}");
        }

        return sizes;
    }

    private static int[] Uniform(int connections, int rooms)
    {
        var sizes = new int[rooms];
        for (var r = 0; r < rooms; r++)
        {
            sizes[r] = (connections / rooms) + (r < connections % rooms ? 1 : 0);
        }

        return sizes;
    }
}
