using System.Net;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Tests.Stun;

/// <summary>
/// Bounded, seeded fuzzing (<see cref="ParserFuzz"/>): random bytes, truncations and bit flips of valid packets go
/// through the STUN reader and the binding check, which must never throw.
/// </summary>
public sealed class StunParserFuzzTests
{
    [Fact]
    public void Stun_parser_never_throws()
    {
        var seeds = new List<byte[]> { ValidStun() };
        ParserFuzz.Run(seeds, 0x5713, static input =>
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
}
