using System.Net;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.MediaLoad.Tests;

/// <summary>Our controlling-side checks against the server's own ICE-lite check logic, and its signed responses.</summary>
public sealed class IceCheckTests
{
    private static readonly byte[] ServerKey = StunCredentials.ShortTermKey("server-password-0123456789");
    private readonly byte[] _transaction = new byte[12];

    public IceCheckTests() => StunMessageWriter.NewTransactionId(_transaction);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Should_write_a_check_the_ice_lite_server_accepts(bool nominate)
    {
        var request = new byte[256];
        var length = IceCheck.WriteRequest(request, _transaction, "sufrag:cufrag"u8, ServerKey, tieBreaker: 42, nominate);

        Assert.True(StunMessageReader.TryParse(request.AsSpan(0, length), out var message));
        var verdict = StunBindingCheck.Check(in message, "sufrag"u8, ServerKey, new ushort[8], out _);
        Assert.Equal(StunBindingVerdict.Accepted, verdict);
        Assert.Equal(nominate, message.HasUseCandidate);
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Should_accept_only_a_success_signed_with_the_server_password()
    {
        var response = new byte[256];
        var length = StunResponseWriter.WriteBindingSuccess(response, _transaction, IPAddress.Loopback, 5000, ServerKey);
        var forged = new byte[256];
        var forgedLength = StunResponseWriter.WriteBindingSuccess(forged, _transaction, IPAddress.Loopback, 5000, StunCredentials.ShortTermKey("someone-else-0123456789"));

        Assert.True(IceCheck.IsAuthenticSuccess(response.AsSpan(0, length), ServerKey, out var transaction));
        Assert.Equal(_transaction, transaction.ToArray());
        Assert.False(IceCheck.IsAuthenticSuccess(forged.AsSpan(0, forgedLength), ServerKey, out _));
        Assert.False(IceCheck.IsAuthenticSuccess(new byte[20], ServerKey, out _));
    }
}
