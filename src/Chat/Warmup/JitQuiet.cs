using System.Runtime;

namespace CommunityStream.Chat.Warmup;

/// <summary>
/// Waits until the JIT has (nearly) stopped compiling for a few polls in a row, so the tier-1 versions of what
/// the warm-up ran are in place: tiered compilation counts calls only after 100 ms without new tier-0 code, then
/// compiles the hot methods again in the background.
/// </summary>
internal static class JitQuiet
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private const int QuietPolls = 3;

    // Methods compiled in one poll that still count as quiet: other start-up work (probes, gossip) trickles on.
    private const long Trickle = 2;

    /// <summary>True when the JIT went quiet before <paramref name="cancel"/>.</summary>
    public static async Task<bool> WaitAsync(CancellationToken cancel)
    {
        var last = JitInfo.GetCompiledMethodCount();
        var quiet = 0;
        while (quiet < QuietPolls)
        {
            try
            {
                await Task.Delay(Poll, cancel);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var now = JitInfo.GetCompiledMethodCount();
            quiet = now - last <= Trickle ? quiet + 1 : 0;
            last = now;
        }

        return true;
    }
}
