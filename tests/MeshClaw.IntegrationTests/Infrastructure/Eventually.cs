using System.Diagnostics;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition observed from outside a process (a row, a file), with a deadline and a message saying what was awaited.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            }

            await Task.Delay(20);
        }
    }
}
