using System.Text;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// Client JSON frames of chat protocol v1 (<see cref="ClientFrameParser"/>): every input gives either a frame or an
/// error with one of the protocol's codes, never both, never an exception.
/// </summary>
internal sealed class ClientFrameTarget : FuzzTarget
{
    public static readonly string[] Frames =
    [
        """{"type":"ping","ref":"1"}""",
        """{"type":"join","room":"channel:alice","history":50,"ref":"j1"}""",
        """{"type":"join","room":"r","recover":{"epoch":"7f2c","offset":9223372036854775807},"ref":"j2"}""",
        """{"type":"leave","room":"channel:alice"}""",
        """{"type":"send","room":"channel:alice","text":"h\u00e9llo \ud83d\ude00 \"quoted\"","clientId":"c-1","ref":"s1"}""",
        """{"type":"mod","room":"r","action":"timeout","user":"bob","offset":12,"seconds":600,"enabled":true,"anonymousRead":false,"historyRetention":100}""",
        """{"type":"refresh","accessToken":"eyJhbGciOiJIUzI1NiJ9.e30.sig"}""",
    ];

    public override string Name => "json";

    public override int MaxLength => 4097;

    public override IReadOnlyList<byte[]> Seeds { get; } = [.. Frames.Select(Encoding.UTF8.GetBytes)];

    public override IReadOnlyList<byte[]> Dictionary { get; } = JsonDictionary();

    public override FuzzOutcome Run(ReadOnlySpan<byte> input) => Check(ClientFrameParser.Parse(input.ToArray()));

    /// <summary>The parser's contract: exactly one of frame and error, with a protocol error code.</summary>
    public static FuzzOutcome Check((ClientFrame? Frame, FrameError? Error) parsed)
    {
        return parsed switch
        {
            ({ }, null) => FuzzOutcome.Accepted,
            (null, { Code: "bad_json" or "bad_frame" or "unknown_type" }) => FuzzOutcome.Rejected,
            _ => throw new InvariantViolation($"the parser returned frame {parsed.Frame} and error {parsed.Error}"),
        };
    }

    private static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "\\udfff", "\\\"", "null", "true", "false", "-0", "1e400",
        "-1", "2147483648", "9223372036854775808", "0.5", "\"type\"", "\"room\"", "\"text\"", "\"ref\"", "\"history\"",
        "\"recover\"", "\"epoch\"", "\"offset\"", "\"clientId\"", "\"action\"", "\"accessToken\"", "\"ping\"", "\"join\"",
        "\"send\"", "\"mod\"", "[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{", "\u00e9", "\ud83d\ude00",
    ];

    public static List<byte[]> JsonDictionary() =>
    [
        .. JsonTokens.Select(Encoding.UTF8.GetBytes),
        [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xEF, 0xBB, 0xBF],
    ];
}
