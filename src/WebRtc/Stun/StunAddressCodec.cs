using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// Reads and writes MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (§14.2): family 1 (IPv4) or 2 (IPv6), port,
/// address; the XOR form masks the port with the cookie's top 16 bits and the address with cookie || transaction id.
/// </summary>
internal static class StunAddressCodec
{
    private const byte FamilyIPv4 = 0x01;
    private const byte FamilyIPv6 = 0x02;

    public static bool TryRead(in StunMessageReader message, ushort attributeType, bool xor, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!message.TryGetAttribute(attributeType, out var value) || value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => 0,
        };
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[addressLength];
        value.Slice(4, addressLength).CopyTo(address);
        if (xor)
        {
            port ^= (ushort)(StunConstants.MagicCookie >> 16);
            Span<byte> mask = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
            message.TransactionId.CopyTo(mask[4..]);
            for (var i = 0; i < addressLength; i++)
            {
                address[i] ^= mask[i];
            }
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    public static int ValueLength(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 20 : 8;

    public static void Write(Span<byte> value, IPAddress address, int port, bool xor, ReadOnlySpan<byte> transactionId)
    {
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = isV6 ? 16 : 4;
        value[0] = 0;
        value[1] = isV6 ? FamilyIPv6 : FamilyIPv4;
        var wirePort = (ushort)port;
        if (xor)
        {
            wirePort ^= (ushort)(StunConstants.MagicCookie >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(value[2..], wirePort);
        var addressBytes = value.Slice(4, addressLength);
        if (!address.TryWriteBytes(addressBytes, out _))
        {
            throw new ArgumentException("Address does not fit its STUN family.", nameof(address));
        }

        if (xor)
        {
            Span<byte> mask = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
            transactionId.CopyTo(mask[4..]);
            for (var i = 0; i < addressLength; i++)
            {
                addressBytes[i] ^= mask[i];
            }
        }
    }
}
