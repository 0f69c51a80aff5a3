namespace CommunityStream.LoadGen;

/// <summary>
/// Splits a text message that may hold several JSON objects separated by <c>\n</c> (the protocol's
/// batching) into its lines, skipping empty ones. JSON never contains a raw newline, so a plain byte
/// split is exact.
/// </summary>
internal ref struct NdjsonLines
{
    private ReadOnlySpan<byte> _rest;

    public NdjsonLines(ReadOnlySpan<byte> payload)
    {
        _rest = payload;
        Current = default;
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public readonly NdjsonLines GetEnumerator() => this;

    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            var end = _rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line;
            if (end < 0)
            {
                line = _rest;
                _rest = default;
            }
            else
            {
                line = _rest[..end];
                _rest = _rest[(end + 1)..];
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!line.IsEmpty)
            {
                Current = line;
                return true;
            }
        }

        return false;
    }
}
