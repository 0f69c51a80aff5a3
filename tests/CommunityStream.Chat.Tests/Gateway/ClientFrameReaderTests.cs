using System.Buffers.Binary;
using System.Text;
using CommunityStream.Chat.Gateway.Framing;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// <see cref="ClientFrameReader"/> and <see cref="Utf8Validator"/> without sockets: frames written with random masks,
/// fragments and pings between them, read back through random splits; the strict UTF-8 decoder as the reference for
/// random bytes; and random and truncated input, which must give an answer, never an exception.
/// </summary>
public sealed class ClientFrameReaderTests
{
    private static readonly UTF8Encoding Strict = new(false, true);

    [Theory]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 }, false)] // a UTF-16 surrogate
    [InlineData(new byte[] { 0xc0, 0xaf }, false)] // overlong '/'
    [InlineData(new byte[] { 0xe0, 0x80, 0xaf }, false)] // overlong, three bytes
    [InlineData(new byte[] { 0xf4, 0x90, 0x80, 0x80 }, false)] // above U+10FFFF
    [InlineData(new byte[] { 0xf4, 0x8f, 0xbf, 0xbf }, true)] // U+10FFFF
    [InlineData(new byte[] { 0xe2, 0x82, 0xac }, true)] // €
    [InlineData(new byte[] { 0xe2, 0x82 }, false)] // cut short
    public void Should_judge_utf8_as_rfc_3629_does(byte[] bytes, bool valid)
    {
        Assert.Equal(valid, Validate(bytes, [bytes.Length]));
        // One byte at a time gives the same verdict.
        Assert.Equal(valid, Validate(bytes, [.. Enumerable.Repeat(1, bytes.Length)]));
    }

    [Fact]
    public void Should_agree_with_the_strict_decoder_on_random_bytes_in_random_pieces()
    {
        var random = new Random(6455);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = RandomText(random);
            var expected = IsStrictUtf8(bytes);
            Assert.True(expected == Validate(bytes, Pieces(random, bytes.Length)), $"disagreed on {Convert.ToHexString(bytes)}");
        }
    }

    [Fact]
    public void Should_read_back_fragmented_masked_messages_with_control_frames_between_fragments_through_any_split()
    {
        var random = new Random(17);
        for (var round = 0; round < 2_000; round++)
        {
            var messages = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Encoding.UTF8.GetBytes(RandomString(random))).ToList();
            var wire = new List<byte>();
            var pings = 0;
            foreach (var message in messages)
            {
                var fragments = SplitInto(random, message, random.Next(1, 4));
                for (var f = 0; f < fragments.Count; f++)
                {
                    wire.AddRange(Frame(random, f == fragments.Count - 1, f == 0 ? ClientFrameReader.Text : ClientFrameReader.Continuation, fragments[f]));
                    if (random.Next(3) == 0)
                    {
                        wire.AddRange(Frame(random, true, ClientFrameReader.Ping, [1, 2, 3]));
                        pings++;
                    }
                }
            }
            var (read, controls, error) = ReadAll([.. wire], Pieces(random, wire.Count), maxMessageBytes: 4096);
            Assert.Equal(FrameError.None, error);
            Assert.Equal(pings, controls);
            Assert.Equal(messages.Select(Convert.ToHexString), read.Select(Convert.ToHexString));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x81, 0x02, 0x7b, 0x7d }, 1002)] // unmasked
    [InlineData(new byte[] { 0xc1, 0x80, 0, 0, 0, 0 }, 1002)] // RSV1 without an extension
    [InlineData(new byte[] { 0x83, 0x80, 0, 0, 0, 0 }, 1002)] // reserved opcode
    [InlineData(new byte[] { 0x09, 0x80, 0, 0, 0, 0 }, 1002)] // fragmented ping
    [InlineData(new byte[] { 0x89, 0xfe, 0x00, 0x7e, 0, 0, 0, 0 }, 1002)] // ping of 126 bytes
    [InlineData(new byte[] { 0x80, 0x80, 0, 0, 0, 0 }, 1002)] // continuation of nothing
    [InlineData(new byte[] { 0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1002)] // 64-bit length with its top bit
    [InlineData(new byte[] { 0x81, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1009)] // 2^62 announced
    [InlineData(new byte[] { 0x81, 0xfe, 0x10, 0x01, 0, 0, 0, 0 }, 1009)] // 4097 bytes
    public void Should_refuse_a_frame_header_that_breaks_a_rule(byte[] frame, int expected)
    {
        var (_, _, error) = ReadAll(frame, [frame.Length], maxMessageBytes: 4096);
        Assert.Equal((FrameError)expected, error);
    }

    [Theory]
    [InlineData(new byte[] { }, 0, 1005)]
    [InlineData(new byte[] { 0x03 }, 1002, 1005)]
    [InlineData(new byte[] { 0x03, 0xe8 }, 0, 1000)]
    [InlineData(new byte[] { 0x03, 0xed }, 1002, 1005)] // 1005 is never sent
    [InlineData(new byte[] { 0x0f, 0xa0 }, 0, 4000)]
    [InlineData(new byte[] { 0x03, 0xe8, 0xc3, 0x28 }, 1007, 1000)]
    public void Should_validate_a_close_payload(byte[] payload, int expected, int code)
    {
        Assert.Equal((FrameError)expected, ClientFrameReader.ValidateClose(payload, out var read));
        if (expected == 0)
        {
            Assert.Equal(code, read);
        }
    }

    [Fact]
    public void Should_answer_random_and_truncated_input_without_throwing()
    {
        var random = new Random(1009);
        var valid = new List<byte>();
        for (var i = 0; i < 50; i++)
        {
            valid.AddRange(Frame(random, true, ClientFrameReader.Text, Encoding.UTF8.GetBytes(RandomString(random))));
        }
        var whole = valid.ToArray();
        for (var i = 0; i < 5_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
            }
            else
            {
                // Valid frames cut anywhere, with a byte or two flipped.
                input = whole[..random.Next(0, whole.Length)];
                for (var flips = random.Next(0, 3); flips > 0 && input.Length > 0; flips--)
                {
                    input[random.Next(input.Length)] ^= (byte)random.Next(1, 256);
                }
            }
            var (_, _, error) = ReadAll(input, Pieces(random, input.Length), maxMessageBytes: 4096);
            Assert.True(Enum.IsDefined(error));
        }
    }

    private static bool Validate(byte[] bytes, int[] pieces)
    {
        var validator = new Utf8Validator();
        var at = 0;
        foreach (var piece in pieces)
        {
            if (!validator.Take(bytes.AsSpan(at, piece)))
            {
                return false;
            }
            at += piece;
        }
        return validator.AtBoundary;
    }

    // Reads frames as the socket code does (header, then payload in pieces): the data messages, the control frames, and the first error.
    private static (List<byte[]> Messages, int Controls, FrameError Error) ReadAll(byte[] wire, int[] pieces, int maxMessageBytes)
    {
        var reader = new ClientFrameReader(maxMessageBytes);
        var messages = new List<byte[]>();
        var message = new List<byte>();
        var controls = 0;
        var at = 0;
        var pieceIndex = 0;
        var pieceLeft = pieces.Length > 0 ? pieces[0] : 0;
        int Take(int want)
        {
            while (pieceLeft == 0 && pieceIndex < pieces.Length - 1)
            {
                pieceLeft = pieces[++pieceIndex];
            }
            var n = Math.Min(Math.Min(want, pieceLeft), wire.Length - at);
            pieceLeft -= n;
            return n;
        }
        while (at < wire.Length)
        {
            if (wire.Length - at < 2 || wire.Length - at < ClientFrameReader.HeaderLength(wire[at + 1]))
            {
                break;
            }
            var headerLength = ClientFrameReader.HeaderLength(wire[at + 1]);
            var error = reader.BeginFrame(wire.AsSpan(at, headerLength));
            at += headerLength;
            if (error != FrameError.None)
            {
                return (messages, controls, error);
            }
            var control = reader.IsControl;
            do
            {
                var n = Take((int)Math.Min(reader.PayloadLeft, int.MaxValue));
                if (n == 0 && reader.PayloadLeft > 0)
                {
                    return (messages, controls, FrameError.None);
                }
                var bytes = wire.AsSpan(at, n);
                var step = reader.TakePayload(bytes);
                at += n;
                if (step.Error != FrameError.None)
                {
                    return (messages, controls, step.Error);
                }
                if (!control)
                {
                    message.AddRange(bytes.ToArray());
                }
                if (step.MessageEnded)
                {
                    messages.Add([.. message]);
                    message.Clear();
                }
                if (step.FrameEnded && control)
                {
                    controls++;
                }
            }
            while (reader.InFrame);
        }
        return (messages, controls, FrameError.None);
    }

    private static byte[] Frame(Random random, bool fin, byte opcode, byte[] payload)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            header.Add(0x80 | 126);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            header.AddRange(length);
        }
        var key = new byte[4];
        random.NextBytes(key);
        header.AddRange(key);
        return [.. header, .. payload.Select((b, i) => (byte)(b ^ key[i % 4]))];
    }

    private static List<byte[]> SplitInto(Random random, byte[] bytes, int parts)
    {
        var cuts = Enumerable.Range(0, parts - 1).Select(_ => random.Next(0, bytes.Length + 1)).Order().ToList();
        var result = new List<byte[]>();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            result.Add(bytes[from..cut]);
            from = cut;
        }
        return result;
    }

    private static int[] Pieces(Random random, int length)
    {
        var pieces = new List<int>();
        while (length > 0)
        {
            var piece = Math.Min(length, random.Next(1, 20));
            pieces.Add(piece);
            length -= piece;
        }
        return [.. pieces];
    }

    private static string RandomString(Random random) =>
        new([.. Enumerable.Range(0, random.Next(0, 300)).Select(_ => random.Next(4) switch { 0 => 'é', 1 => '€', _ => (char)random.Next(0x20, 0x7f) })]);

    // Mostly text, with random bytes mixed in so both verdicts come up.
    private static byte[] RandomText(Random random)
    {
        var text = RandomString(random);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text[..Math.Min(text.Length, random.Next(0, 40))] + char.ConvertFromUtf32(random.Next(0x10000, 0x10ffff))));
        for (var n = random.Next(0, 3); n > 0; n--)
        {
            bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(0x80, 0x100));
        }
        return [.. bytes];
    }

    private static bool IsStrictUtf8(byte[] bytes)
    {
        try
        {
            Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
