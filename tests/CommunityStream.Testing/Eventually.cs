namespace CommunityStream.Testing;

/// <summary>Waits on a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
            }
            await Task.Delay(100);
            last = await probe();
        }
        return last;
    }

    public static Task True(Func<bool> condition, TimeSpan timeout, string what) =>
        Until(() => Task.FromResult(condition()), ok => ok, timeout, what);
}
