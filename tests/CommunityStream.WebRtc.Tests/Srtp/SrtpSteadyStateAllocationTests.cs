using System.Buffers.Binary;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Srtp;

/// <summary>
/// The per-packet paths allocate nothing once warmed up (issue 4: "no allocation per packet"). Measured with the
/// current thread's allocation counter, so it holds without running the benchmarks.
/// </summary>
public sealed class SrtpSteadyStateAllocationTests
{
    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public void Srtp_protect_and_unprotect_do_not_allocate(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        using var sender = SrtpContext.Create(profile, new byte[16], new byte[profile.SaltLength()]);
        using var receiver = SrtpContext.Create(profile, new byte[16], new byte[profile.SaltLength()]);
        var buffer = new byte[1300];
        var rtcp = new byte[200];
        ushort sequence = 0;

        void OnePacket()
        {
            RtpHeader.Write(buffer, false, 96, ++sequence, 0, 42);
            Assert.True(sender.TryProtectRtp(buffer, 1200, out var length));
            Assert.True(receiver.TryUnprotectRtp(buffer, length, out _));
            var rtcpLength = RtcpReceiverReport.Write(rtcp, 42);
            Assert.True(sender.TryProtectRtcp(rtcp, rtcpLength, out length));
            Assert.True(receiver.TryUnprotectRtcp(rtcp, length, out _));
        }

        for (var i = 0; i < 100; i++)
        {
            OnePacket();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            OnePacket();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1100, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
    }
}
