namespace Roundabout.Testing;

/// <summary>Waits for a condition by polling it until a deadline; never a bare sleep.</summary>
public static class Eventually
{
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails with <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TaskTimeouts.Default);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(_pollInterval);
        }

        throw new TimeoutException($"Timed out waiting until {what}." + (last is null ? string.Empty : $" Last error: {last.Message}"), last);
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}
