using System.Text;
using CommunityStream.Chat.Gateway.Framing;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="ClientFrameReader"/>, the rules of Chat's own WebSocket framing (RFC 6455 §5: headers, masking,
/// fragments, control frames, UTF-8, the size limit), driven as the socket code drives it: header, then payload in
/// reads. It never throws; its verdict and the messages it gives do not depend on how the payload is split into reads
/// (whole, then reads of 1–16 bytes chosen from the input); and every text message it accepts is UTF-8 by .NET's
/// strict decoder.
/// </summary>
internal sealed class FrameReaderTarget : FuzzTarget
{
    private static readonly UTF8Encoding Strict = new(false, true);
    private readonly WebSocketTarget _frames = new();

    public override string Name => "wsframe";

    public override int MaxLength => _frames.MaxLength;

    public override IReadOnlyList<byte[]> Seeds => _frames.Seeds;

    public override IReadOnlyList<byte[]> Dictionary => _frames.Dictionary;

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var whole = Read(input.ToArray(), split: false);
        var split = Read(input.ToArray(), split: true);
        if (whole.Error != split.Error || whole.Controls != split.Controls || !whole.Messages.SequenceEqual(split.Messages))
        {
            throw new InvariantViolation($"split reads changed the reader: {whole.Error}/{whole.Messages.Count}/{whole.Controls} whole, {split.Error}/{split.Messages.Count}/{split.Controls} split");
        }
        foreach (var text in whole.Texts)
        {
            try
            {
                Strict.GetString(Convert.FromHexString(text));
            }
            catch (DecoderFallbackException)
            {
                throw new InvariantViolation($"a text message that is not UTF-8 was accepted: {text}");
            }
        }
        return whole.Error == FrameError.None ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private sealed record Result(FrameError Error, List<string> Messages, List<string> Texts, int Controls);

    private static Result Read(byte[] wire, bool split)
    {
        var reader = new ClientFrameReader(WebSocketTarget.MaxFrameBytes);
        var messages = new List<string>();
        var texts = new List<string>();
        var message = new List<byte>();
        var controls = 0;
        var state = (uint)wire.Length * 2654435761u;
        foreach (var b in wire)
        {
            state = (state ^ b) * 16777619u;
        }
        var at = 0;
        while (wire.Length - at >= 2 && wire.Length - at >= ClientFrameReader.HeaderLength(wire[at + 1]))
        {
            var headerLength = ClientFrameReader.HeaderLength(wire[at + 1]);
            var error = reader.BeginFrame(wire.AsSpan(at, headerLength));
            at += headerLength;
            if (error != FrameError.None)
            {
                return new Result(error, messages, texts, controls);
            }
            var control = reader.IsControl;
            var text = reader.MessageOpcode == ClientFrameReader.Text;
            do
            {
                var want = (int)Math.Min(reader.PayloadLeft, wire.Length - at);
                if (split)
                {
                    state = (state * 1103515245u) + 12345u;
                    want = Math.Min(want, 1 + (int)((state >> 16) % 16));
                }
                if (want == 0 && reader.PayloadLeft > 0)
                {
                    // Truncated: the rest never came.
                    return new Result(FrameError.None, messages, texts, controls);
                }
                var bytes = wire.AsSpan(at, want);
                var step = reader.TakePayload(bytes);
                at += want;
                if (step.Error != FrameError.None)
                {
                    return new Result(step.Error, messages, texts, controls);
                }
                if (!control)
                {
                    message.AddRange(bytes);
                }
                if (step.MessageEnded)
                {
                    var hex = Convert.ToHexString([.. message]);
                    messages.Add(hex);
                    if (text)
                    {
                        texts.Add(hex);
                    }
                    message.Clear();
                }
                controls += step.FrameEnded && control ? 1 : 0;
            }
            while (reader.InFrame);
        }
        return new Result(FrameError.None, messages, texts, controls);
    }
}
