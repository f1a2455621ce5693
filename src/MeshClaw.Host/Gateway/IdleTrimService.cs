using System.Diagnostics;
using System.Runtime;
using MeshClaw.Core.Idle;
using MeshClaw.Host.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// Gives memory back after a burst of runs: every <see cref="Interval"/> it looks at the GC's committed memory and the
/// active runs (<see cref="TrimDecision"/>); when the gateway has gone quiet holding more than it did, the stores let
/// go of what they pooled (<see cref="IIdleTrim"/>), one aggressive, compacting collection returns the GC's free space,
/// and glibc is asked to return what native code freed (<see cref="NativeHeap"/>). Measured with <c>scripts/bench load</c>: without it the resident set stays at its peak for good.
/// </summary>
public sealed partial class IdleTrimService(RunCoordinator runs, IEnumerable<IIdleTrim> trims, TimeProvider time, ILogger<IdleTrimService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly TrimDecision _decision = new(TrimDecision.DefaultGrowth);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, time, stoppingToken);
                if (_decision.Look(runs.ActiveCount, GC.GetGCMemoryInfo().TotalCommittedBytes))
                {
                    try
                    {
                        Trim();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Closing pooled connections may write (a WAL checkpoint) and meet a full disk: giving memory
                        // back is an optimisation, never a reason for the gateway to stop.
                        TrimFailed(log, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Trim()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var clock = Stopwatch.StartNew();
        foreach (var trim in trims)
        {
            trim.Trim();
        }

        // Aggressive: compacts and decommits the free space, which an ordinary collection keeps for the next burst.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        _decision.Trimmed(after);
        Trimmed(log, before / (1024 * 1024), after / (1024 * 1024), clock.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "giving memory back after load failed ({Error}); the gateway goes on")]
    private static partial void TrimFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "idle after load: memory trimmed, GC committed {Before} MiB -> {After} MiB in {Ms} ms")]
    private static partial void Trimmed(ILogger log, long before, long after, long ms);
}
