using System.Buffers.Binary;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Srtp;

/// <summary>Round trips, forgeries, replays and rollover for both profiles.</summary>
public class SrtpContextTests
{
    private static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile)
    {
        var key = new byte[profile.KeyLength()];
        var salt = new byte[profile.SaltLength()];
        new Random(7).NextBytes(key);
        new Random(8).NextBytes(salt);
        return (SrtpContext.Create(profile, key, salt), SrtpContext.Create(profile, key, salt));
    }

    private static int WritePacket(byte[] buffer, ushort sequence, int payloadLength, uint ssrc = 0x11223344)
    {
        var header = RtpHeader.Write(buffer, marker: false, payloadType: 96, sequence, timestamp: sequence * 3000u, ssrc);
        for (var i = 0; i < payloadLength; i++)
        {
            buffer[header + i] = (byte)(i + sequence);
        }

        return header + payloadLength;
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_round_trip_RTP_with_extension_and_CSRCs(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var buffer = new byte[1500];
        var headerLength = RtpHeader.Write(buffer, true, 111, 1000, 48000, 0xABCDEF01, [1u, 2u]);
        var extension = new RtpHeaderExtensionWriter(buffer, headerLength, twoByte: false);
        extension.Add(1, [0x30]);
        headerLength = extension.Complete();
        var length = headerLength + 160;
        buffer.AsSpan(headerLength, 160).Fill(0x5A);
        var original = buffer[..length];

        Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
        Assert.Equal(length + profile.RtpOverhead(), protectedLength);
        Assert.Equal(original[..headerLength], buffer[..headerLength]); // header stays in the clear
        Assert.NotEqual(original[headerLength..], buffer[headerLength..length]);

        Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out var plainLength));
        Assert.Equal(original, buffer[..plainLength]);
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_reject_forged_tags_and_tampered_headers_without_advancing_state(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var buffer = new byte[1500];
        var length = WritePacket(buffer, 10, 200);
        Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
        var good = buffer[..protectedLength];

        var forged = (byte[])good.Clone();
        forged[^1] ^= 0x80;
        Assert.False(receiver.TryUnprotectRtp(forged, forged.Length, out _));

        var tamperedHeader = (byte[])good.Clone();
        tamperedHeader[1] ^= 0x01; // payload type is authenticated
        Assert.False(receiver.TryUnprotectRtp(tamperedHeader, tamperedHeader.Length, out _));

        // The genuine packet still authenticates: the failures did not touch the replay window.
        Assert.True(receiver.TryUnprotectRtp(good, good.Length, out _));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_reject_replays_and_accept_reordering_within_the_window(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var packets = new List<byte[]>();
        for (ushort seq = 100; seq < 200; seq++)
        {
            var buffer = new byte[300];
            var length = WritePacket(buffer, seq, 100);
            Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
            packets.Add(buffer[..protectedLength]);
        }

        Assert.True(receiver.TryUnprotectRtp(Copy(packets[90]), packets[90].Length, out _));
        Assert.True(receiver.TryUnprotectRtp(Copy(packets[50]), packets[50].Length, out _)); // 40 behind: inside the window
        Assert.False(receiver.TryUnprotectRtp(Copy(packets[50]), packets[50].Length, out _)); // replay
        Assert.False(receiver.TryUnprotectRtp(Copy(packets[90]), packets[90].Length, out _)); // replay of the newest
        Assert.False(receiver.TryUnprotectRtp(Copy(packets[10]), packets[10].Length, out _)); // 80 behind: too old
        Assert.True(receiver.TryUnprotectRtp(Copy(packets[99]), packets[99].Length, out _));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_roll_over_from_65535_to_0_on_both_sides(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        ushort[] sequence = [65533, 65534, 65535, 0, 1, 2];
        var protectedPackets = new List<byte[]>();
        foreach (var seq in sequence)
        {
            var buffer = new byte[300];
            var length = WritePacket(buffer, seq, 50);
            Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
            protectedPackets.Add(buffer[..protectedLength]);
        }

        Assert.Equal(1u, sender.GetRolloverCounter(0x11223344));

        // Deliver with 0 before 65535 (reordering across the wrap).
        int[] order = [0, 1, 3, 2, 4, 5];
        foreach (var i in order)
        {
            var packet = Copy(protectedPackets[i]);
            Assert.True(receiver.TryUnprotectRtp(packet, packet.Length, out var plainLength), $"packet {sequence[i]}");
            Assert.Equal(sequence[i], BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
            Assert.Equal((byte)sequence[i], packet[12]);
            Assert.Equal(50 + 12, plainLength);
        }

        Assert.Equal(1u, receiver.GetRolloverCounter(0x11223344));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_not_let_a_forged_packet_move_the_rollover_counter(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var buffer = new byte[300];
        var length = WritePacket(buffer, 40000, 50);
        Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
        Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out _));

        // A forged packet with seq 100 would be estimated as ROC+1; it fails authentication and must change nothing.
        var forged = new byte[300];
        var forgedLength = WritePacket(forged, 100, 50) + profile.RtpOverhead();
        Assert.False(receiver.TryUnprotectRtp(forged, forgedLength, out _));
        Assert.Equal(0u, receiver.GetRolloverCounter(0x11223344));

        length = WritePacket(buffer, 40001, 50);
        Assert.True(sender.TryProtectRtp(buffer, length, out protectedLength));
        Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out _));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_round_trip_SRTCP_and_reject_replays_and_forgeries(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var plain = Hex.Decode("80c90001 11223344"); // empty receiver report
        var buffer = new byte[100];
        plain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtcp(buffer, plain.Length, out var length));
        Assert.Equal(plain.Length + profile.RtcpOverhead(), length);
        var packet = buffer[..length];

        var forged = (byte[])packet.Clone();
        forged[^1] ^= 1;
        Assert.False(receiver.TryUnprotectRtcp(forged, forged.Length, out _));

        Assert.True(receiver.TryUnprotectRtcp(Copy(packet), packet.Length, out var plainLength));
        Assert.Equal(plain.Length, plainLength);
        Assert.False(receiver.TryUnprotectRtcp(Copy(packet), packet.Length, out _));

        // The next one carries index 1.
        plain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtcp(buffer, plain.Length, out length));
        Assert.True(receiver.TryUnprotectRtcp(buffer, length, out _));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_refuse_buffers_without_room_for_the_tag(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        var buffer = new byte[62];
        var length = WritePacket(buffer, 1, 50);
        Assert.False(sender.TryProtectRtp(buffer, length, out _));
        Assert.False(receiver.TryUnprotectRtp(buffer, 5, out _));
    }

    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Should_keep_each_ssrcs_rollover_apart_when_three_streams_interleave_across_a_wrap(int profileId)
    {
        // The sender remembers its last two SSRCs; a third one in rotation must still find its own state, or a
        // stream's rollover counter (and so its keystream) goes wrong after the wrap and the receiver rejects it.
        var (sender, receiver) = Pair((SrtpProfile)profileId);
        using var s = sender;
        using var r = receiver;
        var buffer = new byte[1500];
        uint[] ssrcs = [0xA1, 0xB2, 0xC3];
        var starts = new ushort[] { 65530, 100, 65533 };

        for (var i = 0; i < 20; i++)
        {
            for (var k = 0; k < ssrcs.Length; k++)
            {
                var length = WritePacket(buffer, (ushort)(starts[k] + i), 200 + k, ssrcs[k]);
                var original = buffer[..length];
                Assert.True(sender.TryProtectRtp(buffer, length, out var protectedLength));
                Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out var plainLength), $"ssrc {ssrcs[k]:x} packet {i}");
                Assert.Equal(original, buffer[..plainLength]);
            }
        }
        Assert.Equal(1u, sender.GetRolloverCounter(0xA1));
        Assert.Equal(0u, sender.GetRolloverCounter(0xB2));
        Assert.Equal(1u, sender.GetRolloverCounter(0xC3));
    }

    [Fact]
    public void Replay_window_tracks_64_indices()
    {
        var window = new ReplayWindow();
        window.Accept(1000);
        Assert.True(window.IsReplay(1000));
        Assert.False(window.IsReplay(999));
        Assert.False(window.IsReplay(937));
        Assert.True(window.IsReplay(936));
        window.Accept(1100);
        Assert.False(window.IsReplay(1099));
        Assert.True(window.IsReplay(1000));
    }

    private static byte[] Copy(byte[] packet) => (byte[])packet.Clone();
}
