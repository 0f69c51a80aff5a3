using System.Net;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Tests;

/// <summary>
/// Bounded, seeded fuzzing: random bytes, truncations and bit flips of valid packets go through every parser and must
/// never throw. Any exception fails the test with the input that caused it.
/// </summary>
public class ParserFuzzTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Stun_parser_never_throws()
    {
        var seeds = new List<byte[]> { ValidStun() };
        Fuzz(seeds, 0x5713, static input =>
        {
            if (StunMessageReader.TryParse(input, out var message))
            {
                foreach (var attribute in message.Attributes)
                {
                    _ = attribute.Value.Length;
                }

                message.VerifyMessageIntegrity("key"u8);
                message.VerifyFingerprint();
                message.TryGetUsername(out _);
                message.TryGetPriority(out _);
                message.TryGetIceControlling(out _);
                message.TryGetIceControlled(out _);
                message.TryGetErrorCode(out _, out _);
                message.TryGetUnknownAttributes(stackalloc ushort[4], out _);
                message.TryGetXorMappedAddress(out _);
                message.TryGetMappedAddress(out _);
                message.GetUnknownComprehensionRequired(stackalloc ushort[4]);
                StunBindingCheck.Check(message, "a"u8, "key"u8, stackalloc ushort[4], out _);
            }
        });
    }

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

        Fuzz([packet[..length], twoByte[..length2]], 0x0472, static input =>
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

    [Fact]
    public void Rtcp_parsers_never_throw()
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[512];
        seeds.Add(Slice(buffer, RtcpSenderReport.Write(buffer, 1, 2, 3, 4, 5, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)])));
        seeds.Add(Slice(buffer, RtcpReceiverReport.Write(buffer, 1, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)])));
        seeds.Add(Hex.Decode("81 ca 00 03 00 00 00 01 01 05 63 6e 61 6d 65 00")); // SDES CNAME, walked past unparsed
        seeds.Add(Slice(buffer, RtcpGoodbye.Write(buffer, [1u, 2u], "bye")));
        seeds.Add(Slice(buffer, RtcpGenericNack.Write(buffer, 1, 2, [1, 2, 5, 40])));
        seeds.Add(Slice(buffer, RtcpPictureLossIndication.Write(buffer, 1, 2)));
        seeds.Add(Slice(buffer, RtcpReceiverEstimatedMaxBitrate.Write(buffer, 1, 1_000_000, [2u])));
        seeds.Add([.. seeds[0], .. seeds[2], .. seeds[3], .. seeds[6]]);

        Fuzz(seeds, 0x7C7C, static input =>
        {
            var reader = new RtcpCompoundReader(input);
            Span<ushort> lost = stackalloc ushort[64];
            Span<uint> ssrcs = stackalloc uint[8];
            while (reader.TryReadNext(out var packet))
            {
                if (RtcpSenderReport.TryParse(packet, out var sr))
                {
                    for (var i = 0; i < sr.ReportCount; i++)
                    {
                        sr.GetReportBlock(i);
                    }
                }

                if (RtcpReceiverReport.TryParse(packet, out var rr))
                {
                    for (var i = 0; i < rr.ReportCount; i++)
                    {
                        rr.GetReportBlock(i);
                    }
                }

                if (RtcpGoodbye.TryParse(packet, out var bye))
                {
                    for (var i = 0; i < bye.SourceCount; i++)
                    {
                        bye.GetSsrc(i);
                    }
                }

                RtcpGenericNack.ReadLostSequenceNumbers(packet, out _, out _, lost);
                _ = RtcpPictureLossIndication.TryParse(packet, out _, out _);
                RtcpReceiverEstimatedMaxBitrate.Read(packet, out _, out _, ssrcs);
            }
        });
    }

    [Fact]
    public void Srtp_unprotect_never_throws_and_never_accepts_garbage()
    {
        foreach (var profile in new[] { SrtpProfile.Aes128CmHmacSha1Tag80, SrtpProfile.AeadAes128Gcm })
        {
            var key = new byte[16];
            var salt = new byte[profile.SaltLength()];
            using var sender = SrtpContext.Create(profile, key, salt);
            using var receiver = SrtpContext.Create(profile, key, salt);
            var packet = new byte[200];
            var length = RtpHeader.Write(packet, false, 96, 10, 20, 30) + 100;
            Assert.True(sender.TryProtectRtp(packet, length, out var protectedLength));
            var rtcp = new byte[200];
            var rtcpLength = RtcpReceiverReport.Write(rtcp, 30);
            Assert.True(sender.TryProtectRtcp(rtcp, rtcpLength, out var protectedRtcpLength));

            var accepted = 0;
            Fuzz([packet[..protectedLength], rtcp[..protectedRtcpLength]], 0x5A7F, input =>
            {
                var copy = input.ToArray();
                if (receiver.TryUnprotectRtp(copy, copy.Length, out _))
                {
                    accepted++;
                }

                copy = input.ToArray();
                if (receiver.TryUnprotectRtcp(copy, copy.Length, out _))
                {
                    accepted++;
                }
            }, iterations: 4_000);

            // Only the two unmodified seeds can authenticate, each once (then the replay window refuses them).
            Assert.InRange(accepted, 0, 2);
        }
    }

    private static byte[] Slice(byte[] buffer, int length) => buffer[..length];

    private static byte[] ValidStun()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, new byte[12]);
        writer.AddUsername("a:b"u8);
        writer.AddPriority(1);
        writer.AddIceControlling(2);
        writer.AddUseCandidate();
        writer.AddXorMappedAddress(IPAddress.IPv6Loopback, 9);
        writer.AddErrorCode(487);
        writer.AddUnknownAttributes([1, 2, 3]);
        writer.AddMessageIntegrity("key"u8);
        writer.AddFingerprint();
        return writer.Written.ToArray();
    }

    private delegate void Parse(ReadOnlySpan<byte> input);

    private static void Fuzz(List<byte[]> seeds, int seed, Parse parse, int iterations = Iterations)
    {
        var random = new Random(seed);
        var scratch = new byte[1600];
        for (var i = 0; i < iterations; i++)
        {
            ReadOnlySpan<byte> input;
            var source = seeds[random.Next(seeds.Count)];
            switch (i % 4)
            {
                case 0: // pure noise, sometimes with a plausible first byte
                    var length = random.Next(0, 200);
                    random.NextBytes(scratch.AsSpan(0, length));
                    if (length > 0 && random.Next(2) == 0)
                    {
                        scratch[0] = source[0];
                    }

                    input = scratch.AsSpan(0, length);
                    break;
                case 1: // truncation
                    input = source.AsSpan(0, random.Next(0, source.Length + 1));
                    break;
                case 2: // bit flips
                    source.CopyTo(scratch, 0);
                    for (var f = random.Next(1, 4); f > 0; f--)
                    {
                        scratch[random.Next(source.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    input = scratch.AsSpan(0, source.Length);
                    break;
                default: // random byte overwrites, then a random length (header fields lie about lengths)
                    source.CopyTo(scratch, 0);
                    for (var f = random.Next(1, 6); f > 0; f--)
                    {
                        scratch[random.Next(source.Length)] = (byte)random.Next(256);
                    }

                    input = scratch.AsSpan(0, random.Next(0, source.Length + 1));
                    break;
            }

            try
            {
                parse(input);
            }
            catch (Exception exception)
            {
                Assert.Fail($"Iteration {i} threw {exception.GetType().Name} for input {Convert.ToHexString(input)}: {exception.Message}");
            }
        }
    }
}
