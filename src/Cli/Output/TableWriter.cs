namespace CommunityStream.Cli.Output;

/// <summary>Left-aligned columns for people; <c>--output json</c> is for scripts.</summary>
internal static class TableWriter
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        if (all.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }
        var widths = headers.Select((header, column) => Math.Max(header.Length, all.Max(row => row[column].Length))).ToArray();
        output.WriteLine(Line(headers, widths));
        foreach (var row in all)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    /// <summary>Name/value pairs, one per line.</summary>
    public static void WritePairs(TextWriter output, IEnumerable<(string Name, string Value)> pairs)
    {
        var all = pairs.ToList();
        var width = all.Count == 0 ? 0 : all.Max(pair => pair.Name.Length);
        foreach (var (name, value) in all)
        {
            output.WriteLine($"{(name + ":").PadRight(width + 1)} {value}");
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, column) => column == cells.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd();
}
