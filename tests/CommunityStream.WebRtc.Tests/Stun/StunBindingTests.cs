using System.Net;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Tests.Stun;

/// <summary>Responses and request checks of an ICE-lite agent.</summary>
public class StunBindingTests
{
    private static readonly byte[] LocalUfrag = "srv1"u8.ToArray();
    private static readonly byte[] LocalPassword = StunCredentials.ShortTermKey("server-password-0123456789");
    private static readonly byte[] TransactionId = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    private static byte[] Request(
        string username = "srv1:peer", byte[]? key = null, bool controlling = true, bool controlled = false,
        bool useCandidate = true, ushort extraAttribute = 0, bool priority = true)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        writer.AddUsername(System.Text.Encoding.ASCII.GetBytes(username));
        if (priority)
        {
            writer.AddPriority(0x6e0001ff);
        }

        if (controlling)
        {
            writer.AddIceControlling(0x1122334455667788);
        }

        if (controlled)
        {
            writer.AddIceControlled(0x1122334455667788);
        }

        if (useCandidate)
        {
            writer.AddUseCandidate();
        }

        if (extraAttribute != 0)
        {
            writer.AddAttribute(extraAttribute, [1, 2, 3, 4]);
        }

        writer.AddMessageIntegrity(key ?? LocalPassword);
        writer.AddFingerprint();
        return writer.Written.ToArray();
    }

    private static StunBindingVerdict Check(byte[] request, out ushort[] unknown)
    {
        Assert.True(StunMessageReader.TryParse(request, out var message));
        var buffer = new ushort[8];
        var verdict = StunBindingCheck.Check(message, LocalUfrag, LocalPassword, buffer, out var count);
        unknown = buffer[..count];
        return verdict;
    }

    [Fact]
    public void Should_accept_a_valid_nominating_check()
    {
        var request = Request();
        Assert.Equal(StunBindingVerdict.Accepted, Check(request, out _));
        Assert.True(StunMessageReader.TryParse(request, out var message));
        Assert.True(message.HasUseCandidate);
    }

    [Fact]
    public void Should_answer_with_a_signed_XOR_MAPPED_ADDRESS()
    {
        var buffer = new byte[128];
        var length = StunResponseWriter.WriteBindingSuccess(buffer, TransactionId, IPAddress.Parse("203.0.113.9"), 54321, LocalPassword);
        Assert.True(StunMessageReader.TryParse(buffer.AsSpan(0, length), out var response));
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(TransactionId, response.TransactionId.ToArray());
        Assert.True(response.VerifyMessageIntegrity(LocalPassword));
        Assert.True(response.VerifyFingerprint());
        Assert.True(response.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 54321), endPoint);
        Assert.False(response.TryGetMappedAddress(out _));
    }

    [Fact]
    public void Should_reject_a_wrong_password_with_401()
    {
        Assert.Equal(StunBindingVerdict.Unauthenticated, Check(Request(key: StunCredentials.ShortTermKey("wrong")), out _));
    }

    [Fact]
    public void Should_reject_another_ufrag_with_401()
    {
        Assert.Equal(StunBindingVerdict.Unauthenticated, Check(Request(username: "srv2:peer"), out _));
        Assert.Equal(StunBindingVerdict.Unauthenticated, Check(Request(username: "srv1"), out _));
    }

    [Fact]
    public void Should_answer_400_to_a_check_without_priority_or_role()
    {
        Assert.Equal(StunBindingVerdict.BadRequest, Check(Request(priority: false), out _));
        Assert.Equal(StunBindingVerdict.BadRequest, Check(Request(controlling: false), out _));
        Assert.Equal(StunBindingVerdict.BadRequest, Check(Request(controlling: true, controlled: true), out _));
    }

    [Fact]
    public void Should_answer_487_when_the_peer_is_controlled_too()
    {
        Assert.Equal(StunBindingVerdict.RoleConflict, Check(Request(controlling: false, controlled: true), out _));
    }

    [Fact]
    public void Should_answer_420_listing_unknown_comprehension_required_attributes()
    {
        Assert.Equal(StunBindingVerdict.UnknownAttribute, Check(Request(extraAttribute: 0x7777), out var unknown));
        Assert.Equal(new ushort[] { 0x7777 }, unknown);

        // Comprehension-optional attributes (>= 0x8000) are ignored.
        Assert.Equal(StunBindingVerdict.Accepted, Check(Request(extraAttribute: 0x8123), out _));

        var buffer = new byte[128];
        var length = StunResponseWriter.WriteError(
            buffer, StunMethod.Binding, TransactionId, StunErrorCode.UnknownAttribute, LocalPassword, unknown);
        Assert.True(StunMessageReader.TryParse(buffer.AsSpan(0, length), out var response));
        Assert.Equal(StunMessageType.BindingError, response.Type);
        Assert.True(response.TryGetErrorCode(out var code, out var reason));
        Assert.Equal(420, code);
        Assert.Equal("Unknown Attribute"u8.ToArray(), reason.ToArray());
        var listed = new ushort[4];
        Assert.True(response.TryGetUnknownAttributes(listed, out var count));
        Assert.Equal(new ushort[] { 0x7777 }, listed[..count]);
        Assert.True(response.VerifyMessageIntegrity(LocalPassword));
    }

    [Theory]
    [InlineData(StunErrorCode.BadRequest, "Bad Request")]
    [InlineData(StunErrorCode.Unauthenticated, "Unauthenticated")]
    [InlineData(StunErrorCode.RoleConflict, "Role Conflict")]
    public void Should_write_error_responses(int code, string reason)
    {
        var buffer = new byte[128];
        var signed = code == StunErrorCode.RoleConflict;
        var length = StunResponseWriter.WriteError(buffer, StunMethod.Binding, TransactionId, code, signed ? LocalPassword : default);
        Assert.True(StunMessageReader.TryParse(buffer.AsSpan(0, length), out var response));
        Assert.True(response.TryGetErrorCode(out var parsed, out var phrase));
        Assert.Equal(code, parsed);
        Assert.Equal(reason, System.Text.Encoding.UTF8.GetString(phrase));
        Assert.True(response.VerifyFingerprint());
        Assert.Equal(signed, response.HasAttribute(StunAttributeType.MessageIntegrity));
    }

    [Fact]
    public void Should_round_trip_message_types()
    {
        foreach (var cls in Enum.GetValues<StunClass>())
        {
            for (var method = 0; method < 0x1000; method += 0x111)
            {
                var type = new StunMessageType((StunMethod)method, cls);
                Assert.Equal(type, StunMessageType.FromUInt16(type.ToUInt16()));
            }
        }

        Assert.Equal(0x0001, StunMessageType.BindingRequest.ToUInt16());
        Assert.Equal(0x0101, StunMessageType.BindingSuccess.ToUInt16());
        Assert.Equal(0x0111, StunMessageType.BindingError.ToUInt16());
        Assert.Equal(0x0011, StunMessageType.BindingIndication.ToUInt16());
    }

    [Theory]
    [InlineData("00 01 00 00 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00")] // 19 bytes
    [InlineData("00 01 00 04 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00")] // length past the end
    [InlineData("00 01 00 00 21 12 a4 43 00 00 00 00 00 00 00 00 00 00 00 00")] // wrong cookie
    [InlineData("c0 01 00 00 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00")] // top bits set
    [InlineData("00 01 00 02 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 00")] // length not a multiple of 4
    [InlineData("00 01 00 04 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 06 00 05")] // attribute overruns
    [InlineData("00 01 00 10 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 80 28 00 04 00 00 00 00 00 06 00 00")] // FINGERPRINT not last
    public void Should_reject_malformed_messages(string hex)
    {
        Assert.False(StunMessageReader.TryParse(Hex.Decode(hex), out _));
    }
}
