using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Tests.Stun;

/// <summary>
/// The per-packet paths allocate nothing once warmed up (issue 4: "no allocation per packet"). Measured with the
/// current thread's allocation counter, so it holds without running the benchmarks.
/// </summary>
public sealed class StunSteadyStateAllocationTests
{
    [Fact]
    public void Stun_check_and_response_do_not_allocate()
    {
        var key = StunCredentials.ShortTermKey("password-password-1234");
        var request = new byte[256];
        var writer = new StunMessageWriter(request, StunMessageType.BindingRequest, new byte[12]);
        writer.AddUsername("ufrag:peer"u8);
        writer.AddPriority(1);
        writer.AddIceControlling(2);
        writer.AddUseCandidate();
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        var length = writer.Length;
        var response = new byte[256];
        var address = System.Net.IPAddress.Loopback;
        var unknown = new ushort[4];

        void OneCheck()
        {
            Assert.True(StunMessageReader.TryParse(request.AsSpan(0, length), out var message));
            // Assert.True rather than Assert.Equal: xunit's generic equality allocates.
            Assert.True(StunBindingCheck.Check(message, "ufrag"u8, key, unknown, out _) == StunBindingVerdict.Accepted);
            StunResponseWriter.WriteBindingSuccess(response, message.TransactionId, address, 5000, key);
        }

        for (var i = 0; i < 100; i++)
        {
            OneCheck();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            OneCheck();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
