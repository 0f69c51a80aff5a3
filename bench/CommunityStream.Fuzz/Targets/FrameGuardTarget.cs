using CommunityStream.Chat.Gateway;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="ClientFrameGuard"/>, the chat socket's frame-header follower (RFC 6455 §5.2) that refuses an over-limit
/// message when its header arrives: it never throws, and its verdict, message count and unfinished state do not
/// depend on how the bytes are split into reads (fed whole, then in reads of 1–16 bytes chosen from the input).
/// </summary>
internal sealed class FrameGuardTarget : FuzzTarget
{
    private readonly WebSocketTarget _frames = new();

    public override string Name => "wsguard";

    public override int MaxLength => _frames.MaxLength;

    public override IReadOnlyList<byte[]> Seeds => _frames.Seeds;

    public override IReadOnlyList<byte[]> Dictionary => _frames.Dictionary;

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var whole = new ClientFrameGuard(WebSocketTarget.MaxFrameBytes);
        var verdict = whole.Advance(input);
        var split = new ClientFrameGuard(WebSocketTarget.MaxFrameBytes);
        var splitVerdict = ClientFrameGuard.Verdict.Ok;
        // Read sizes from a hash of the input: the same input always splits the same way.
        var state = (uint)input.Length * 2654435761u;
        foreach (var b in input)
        {
            state = (state ^ b) * 16777619u;
        }
        for (var offset = 0; offset < input.Length;)
        {
            state = (state * 1103515245u) + 12345u;
            var count = Math.Min(input.Length - offset, 1 + (int)((state >> 16) % 16));
            splitVerdict = split.Advance(input.Slice(offset, count));
            offset += count;
        }
        if (verdict != splitVerdict || whole.Ended != split.Ended || whole.Unfinished != split.Unfinished)
        {
            throw new InvariantViolation($"split reads changed the guard: {verdict}/{whole.Ended}/{whole.Unfinished} whole, {splitVerdict}/{split.Ended}/{split.Unfinished} split");
        }
        return verdict == ClientFrameGuard.Verdict.Ok ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }
}
