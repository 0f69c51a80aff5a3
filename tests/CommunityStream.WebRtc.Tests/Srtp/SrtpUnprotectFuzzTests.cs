using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Srtp;

/// <summary>
/// Seeded fuzzing of SRTP and SRTCP unprotect: mangled protected packets never throw and never authenticate.
/// </summary>
public sealed class SrtpUnprotectFuzzTests
{
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
            ParserFuzz.Run([packet[..protectedLength], rtcp[..protectedRtcpLength]], 0x5A7F, input =>
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
}
