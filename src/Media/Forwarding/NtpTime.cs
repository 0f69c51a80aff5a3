namespace CommunityStream.Media.Forwarding;

/// <summary>64-bit NTP timestamps for RTCP (RFC 3550 §4): seconds since 1900 in the high word, fraction in the low.</summary>
internal static class NtpTime
{
    private static readonly DateTime Epoch = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static ulong From(DateTime utc)
    {
        var elapsed = utc - Epoch;
        var seconds = (ulong)(elapsed.Ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(elapsed.Ticks % TimeSpan.TicksPerSecond) * 0x1_0000_0000UL / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    /// <summary>The middle 32 bits, as carried in LSR fields (RFC 3550 §6.4.1).</summary>
    public static uint Middle(ulong ntp) => (uint)(ntp >> 16);
}
