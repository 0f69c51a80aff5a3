using System.Net;
using System.Text;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Tests.Stun;

/// <summary>RFC 5769 test vectors, byte for byte as printed in the RFC (including its 0x20 padding).</summary>
public class StunRfc5769Tests
{
    private static readonly byte[] Password = Encoding.ASCII.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");
    private static readonly byte[] TransactionId = Hex.Decode("b7e7a701bc34d686fa87dfae");

    // RFC 5769 §2.1 Sample Request.
    private static readonly byte[] SampleRequest = Hex.Decode("""
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """);

    // RFC 5769 §2.2 Sample IPv4 Response.
    private static readonly byte[] SampleIPv4Response = Hex.Decode("""
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """);

    // RFC 5769 §2.3 Sample IPv6 Response.
    private static readonly byte[] SampleIPv6Response = Hex.Decode("""
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """);

    // RFC 5769 §2.4 Sample Request with Long-Term Authentication (no FINGERPRINT in this vector).
    private static readonly byte[] SampleLongTermRequest = Hex.Decode("""
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
        """);

    [Fact]
    public void Should_parse_and_verify_the_sample_request()
    {
        Assert.True(StunMessageReader.TryParse(SampleRequest, out var message));
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(TransactionId, message.TransactionId.ToArray());
        Assert.True(message.VerifyMessageIntegrity(Password));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetUsername(out var username));
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.True(message.TryGetPriority(out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(message.TryGetIceControlled(out var tieBreaker));
        Assert.Equal(0x932ff9b151263b36ul, tieBreaker);
        Assert.False(message.TryGetIceControlling(out _));
    }

    [Fact]
    public void Should_reproduce_the_sample_request_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId, padding: 0x20);
        writer.AddSoftware("STUN test client");
        writer.AddPriority(0x6e0001ff);
        writer.AddIceControlled(0x932ff9b151263b36);
        writer.AddUsername("evtj:h6vY"u8);
        writer.AddMessageIntegrity(Password);
        writer.AddFingerprint();

        Assert.Equal(SampleRequest, writer.Written.ToArray());
    }

    [Fact]
    public void Should_parse_and_verify_the_IPv4_response()
    {
        Assert.True(StunMessageReader.TryParse(SampleIPv4Response, out var message));
        Assert.Equal(StunMessageType.BindingSuccess, message.Type);
        Assert.True(message.VerifyMessageIntegrity(Password));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), endPoint);
        Assert.True(message.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("test vector", Encoding.UTF8.GetString(software));
    }

    [Fact]
    public void Should_reproduce_the_IPv4_response_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, TransactionId, padding: 0x20);
        writer.AddSoftware("test vector");
        writer.AddXorMappedAddress(IPAddress.Parse("192.0.2.1"), 32853);
        writer.AddMessageIntegrity(Password);
        writer.AddFingerprint();

        Assert.Equal(SampleIPv4Response, writer.Written.ToArray());
    }

    [Fact]
    public void Should_parse_and_verify_the_IPv6_response()
    {
        Assert.True(StunMessageReader.TryParse(SampleIPv6Response, out var message));
        Assert.True(message.VerifyMessageIntegrity(Password));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), endPoint);
    }

    [Fact]
    public void Should_reproduce_the_IPv6_response_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, TransactionId, padding: 0x20);
        writer.AddSoftware("test vector");
        writer.AddXorMappedAddress(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        writer.AddMessageIntegrity(Password);
        writer.AddFingerprint();

        Assert.Equal(SampleIPv6Response, writer.Written.ToArray());
    }

    [Fact]
    public void Should_parse_the_long_term_request_and_verify_its_integrity()
    {
        Assert.True(StunMessageReader.TryParse(SampleLongTermRequest, out var message));
        Assert.Equal(StunMessageType.BindingRequest, message.Type);

        // The vector has no FINGERPRINT: both the accessor and the check must say so rather than guess.
        Assert.False(message.HasFingerprint);
        Assert.False(message.VerifyFingerprint());

        Assert.True(message.TryGetUsername(out var username));
        Assert.Equal("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetAttribute(StunAttributeType.Nonce, out var nonce));
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", Encoding.UTF8.GetString(nonce));
        Assert.True(message.TryGetAttribute(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", Encoding.UTF8.GetString(realm));

        // RFC 5769 §2.4: the password "The<U+00AD>M<U+00AA>tr<U+2168>" is "TheMatrIX" after SASLprep.
        var key = StunCredentials.LongTermKey(Encoding.UTF8.GetString(username), "example.org", "TheMatrIX");
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.LongTermKey("x", "example.org", "TheMatrIX")));
    }

    [Fact]
    public void Should_reject_a_vector_with_one_flipped_bit()
    {
        var tampered = (byte[])SampleRequest.Clone();
        tampered[30] ^= 0x01; // inside SOFTWARE, covered by both MESSAGE-INTEGRITY and FINGERPRINT
        Assert.True(StunMessageReader.TryParse(tampered, out var message));
        Assert.False(message.VerifyMessageIntegrity(Password));
        Assert.False(message.VerifyFingerprint());
    }
}
