using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// The stateless first look at a peer's DTLS datagram (RFC 6347 §4.2.1): a ClientHello record carrying the cookie
/// we handed to that address, or nothing. Anything else, malformed included, answers null; a ClientHello without a
/// valid cookie gets a HelloVerifyRequest through the sender.
/// </summary>
public sealed class DtlsCookieVerifier
{
    private readonly DtlsVerifier _verifier;

    internal DtlsCookieVerifier(TlsCrypto crypto) => _verifier = new DtlsVerifier(crypto);

    /// <summary>Creates a verifier with its own cookie secret.</summary>
    public DtlsCookieVerifier()
        : this(new BcTlsCrypto(new SecureRandom()))
    {
    }

    /// <summary>The verified ClientHello to start a handshake from, or null.</summary>
    /// <param name="clientId">The peer's transport address: the cookie is bound to it.</param>
    /// <param name="datagram">One datagram from the peer.</param>
    /// <param name="sender">Where a HelloVerifyRequest goes.</param>
    public DtlsRequest? Verify(byte[] clientId, ReadOnlySpan<byte> datagram, DatagramSender sender)
    {
        var bytes = datagram.ToArray();
        try
        {
            return _verifier.VerifyRequest(clientId, bytes, 0, bytes.Length, sender);
        }
        catch (ArgumentException)
        {
            // BouncyCastle catches its own IOExceptions but lets ProtocolVersion.Get's ArgumentException for a reserved
            // version ({0xFE, 0xFE} and friends) escape: that is a malformed record, not a caller's mistake.
            return null;
        }
    }
}
