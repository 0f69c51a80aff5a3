using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.WebRtc.Tests.Rtp;

/// <summary>
/// Bounded, seeded fuzzing (<see cref="ParserFuzz"/>): random bytes, truncations and bit flips of valid packets go
/// through the RTP header reader and the demultiplexer, which must never throw.
/// </summary>
public sealed class RtpParserFuzzTests
{
    [Fact]
    public void Rtp_parser_never_throws()
    {
        var packet = new byte[100];
        var length = RtpHeader.Write(packet, true, 96, 1, 2, 3, [4u]);
        var extension = new RtpHeaderExtensionWriter(packet, length, twoByte: false);
        extension.Add(1, [1, 2]);
        extension.Add(3, [3]);
        length = extension.Complete() + 20;
        var twoByte = new byte[100];
        var length2 = RtpHeader.Write(twoByte, false, 96, 1, 2, 3);
        var extension2 = new RtpHeaderExtensionWriter(twoByte, length2, twoByte: true);
        extension2.Add(10, [1, 2, 3]);
        length2 = extension2.Complete() + 10;

        ParserFuzz.Run([packet[..length], twoByte[..length2]], 0x0472, static input =>
        {
            DatagramClassifier.Classify(input);
            if (RtpHeader.TryRead(input, out var header))
            {
                header.TryGetPayload(input, out _);
                for (var id = 0; id < 16; id++)
                {
                    header.TryGetExtension(input, id, out _);
                }

                for (var i = 0; i < header.CsrcCount; i++)
                {
                    header.GetCsrc(input, i);
                }
            }
        });
    }
}
