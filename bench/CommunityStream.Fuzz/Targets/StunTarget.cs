using System.Buffers.Binary;
using System.Net;
using CommunityStream.WebRtc;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="StunMessageReader"/> and every accessor, the ICE-lite binding check and the response writers, as the
/// endpoint uses them. Round trip: the attributes written again with <see cref="StunMessageWriter"/> parse to the
/// same type, transaction id and attributes, and the message type's 14 bits survive <see cref="StunMessageType"/>.
/// </summary>
internal sealed class StunTarget : FuzzTarget
{
    private static readonly byte[] Key = "server-ice-password-0123456789"u8.ToArray();
    private readonly byte[] _rewritten = new byte[4096];
    private readonly byte[] _response = new byte[256];

    public override string Name => "stun";

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override IReadOnlyList<byte[]> Dictionary { get; } = BuildDictionary();

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (DatagramClassifier.Classify(input) != DatagramKind.Stun || !StunMessageReader.TryParse(input, out var message))
        {
            return FuzzOutcome.Rejected;
        }
        var wire = BinaryPrimitives.ReadUInt16BigEndian(input);
        if (message.Type.ToUInt16() != wire)
        {
            throw new InvariantViolation($"message type 0x{wire:X4} reads as {message.Type} and writes as 0x{message.Type.ToUInt16():X4}");
        }
        message.VerifyMessageIntegrity(Key);
        message.VerifyFingerprint();
        message.TryGetUsername(out _);
        message.TryGetPriority(out _);
        _ = message.HasUseCandidate;
        message.TryGetIceControlling(out _);
        message.TryGetIceControlled(out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetUnknownAttributes(stackalloc ushort[8], out _);
        message.TryGetXorMappedAddress(out _);
        message.TryGetMappedAddress(out _);
        Span<ushort> unknown = stackalloc ushort[8];
        var verdict = StunBindingCheck.Check(message, "srvu"u8, Key, unknown, out var unknownCount);
        // The answers the transport would send must fit its 256-byte buffer whatever the request carried.
        switch (verdict)
        {
            case StunBindingVerdict.Accepted:
                StunResponseWriter.WriteBindingSuccess(_response, message.TransactionId, IPAddress.Loopback, 5000, Key);
                break;
            case StunBindingVerdict.UnknownAttribute:
                StunResponseWriter.WriteError(_response, StunMethod.Binding, message.TransactionId, StunErrorCode.UnknownAttribute, unknownAttributes: unknown[..unknownCount]);
                break;
            default:
                StunResponseWriter.WriteError(_response, StunMethod.Binding, message.TransactionId, StunErrorCode.BadRequest);
                break;
        }
        RoundTrip(message);
        return FuzzOutcome.Accepted;
    }

    private void RoundTrip(in StunMessageReader message)
    {
        var writer = new StunMessageWriter(_rewritten, message.Type, message.TransactionId);
        foreach (var attribute in message.Attributes)
        {
            writer.AddAttribute(attribute.Type, attribute.Value);
        }
        if (!StunMessageReader.TryParse(writer.Written, out var again) || again.Type != message.Type || !again.TransactionId.SequenceEqual(message.TransactionId))
        {
            throw new InvariantViolation("the rewritten message does not parse to the same header");
        }
        var original = message.Attributes;
        var copy = again.Attributes;
        while (original.MoveNext())
        {
            if (!copy.MoveNext() || copy.Current.Type != original.Current.Type || !copy.Current.Value.SequenceEqual(original.Current.Value))
            {
                throw new InvariantViolation("the rewritten message has other attributes");
            }
        }
        if (copy.MoveNext())
        {
            throw new InvariantViolation("the rewritten message has more attributes");
        }
    }

    private static List<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[512];
        var transactionId = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();

        var check = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        check.AddUsername("srvu:peer"u8);
        check.AddPriority(0x6e7f1eff);
        check.AddIceControlling(42);
        check.AddUseCandidate();
        check.AddMessageIntegrity(Key);
        check.AddFingerprint();
        seeds.Add(check.Written.ToArray());

        var plain = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        plain.AddUsername("srvu:peer"u8);
        plain.AddPriority(1);
        plain.AddIceControlled(7);
        plain.AddSoftware("fuzz");
        plain.AddMessageIntegrity(Key);
        seeds.Add(plain.Written.ToArray());

        var length = StunResponseWriter.WriteBindingSuccess(buffer, transactionId, IPAddress.Parse("192.0.2.1"), 3478, Key);
        seeds.Add(buffer[..length]);
        length = StunResponseWriter.WriteBindingSuccess(buffer, transactionId, IPAddress.IPv6Loopback, 9, Key);
        seeds.Add(buffer[..length]);
        length = StunResponseWriter.WriteError(buffer, StunMethod.Binding, transactionId, StunErrorCode.UnknownAttribute, unknownAttributes: [0x0003, 0x7FFF]);
        seeds.Add(buffer[..length]);

        var mapped = new StunMessageWriter(buffer, StunMessageType.BindingIndication, transactionId);
        mapped.AddMappedAddress(IPAddress.Parse("198.51.100.7"), 1);
        mapped.AddXorMappedAddress(IPAddress.Parse("2001:db8::1"), 65535);
        mapped.AddErrorCode(487, "Role Conflict");
        mapped.AddFingerprint();
        seeds.Add(mapped.Written.ToArray());
        return seeds;
    }

    private static List<byte[]> BuildDictionary()
    {
        List<byte[]> tokens = [[0x21, 0x12, 0xA4, 0x42], [0x53, 0x54, 0x55, 0x4E], "srvu:"u8.ToArray()];
        foreach (var type in new ushort[] { 0x0001, 0x0006, 0x0008, 0x0009, 0x000A, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802A, 0x0101, 0x0111, 0x0011 })
        {
            tokens.Add([(byte)(type >> 8), (byte)type]);
            // A whole attribute header: type and a plausible length.
            tokens.Add([(byte)(type >> 8), (byte)type, 0, 4]);
        }
        return tokens;
    }
}
