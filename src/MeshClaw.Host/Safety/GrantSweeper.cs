using MeshClaw.Core.Approvals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Safety;

/// <summary>
/// Closes and audits grants as they run out: it wakes at the next grant's expiry (or within a minute, to notice a new
/// grant or a run that ended) and sweeps. Matching never waits for it: an expired grant stops allowing at its time.
/// With no grant to look at, a sweep reads only the in-memory cache.
/// </summary>
public sealed class GrantSweeper(GrantBook grants, TimeProvider time, ILogger<GrantSweeper> log) : BackgroundService
{
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = grants.NextExpiry is { } next && !failed ? next - time.GetUtcNow() : Longest;
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;
            try
            {
                await Task.Delay(wait, time, stoppingToken);
                await grants.SweepAsync(stoppingToken);
                failed = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database busy at that moment: the grant already stopped matching; the next sweep records it.
                failed = true;
                log.LogWarning(ex, "could not close expired grants");
            }
        }
    }
}
