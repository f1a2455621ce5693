namespace MeshClaw.Core.Idle;

/// <summary>
/// When to give memory back after load. The .NET GC collects when the program allocates, so a gateway that goes quiet
/// after a burst never collects the garbage the burst promoted to generation 2 and keeps its committed memory for good.
/// Trim once the GC holds <see cref="Growth"/> more than after the last trim and no run has been active for two looks in
/// a row; at most once per quiet period, so an idle gateway costs nothing.
/// </summary>
public sealed class TrimDecision(long growth)
{
    /// <summary>The default growth of GC-committed memory over the last trim that is worth a collection (8 MiB).</summary>
    public const long DefaultGrowth = 8L * 1024 * 1024;

    private long _baseline = -1;
    private bool _quietBefore;

    public long Growth { get; } = growth;

    /// <summary>Looks once: true when memory should be trimmed now. <paramref name="committed"/> is the GC's committed bytes.</summary>
    public bool Look(int activeRuns, long committed)
    {
        if (_baseline < 0)
        {
            _baseline = committed;
        }

        var quiet = activeRuns == 0;
        var trim = quiet && _quietBefore && committed - _baseline >= Growth;
        _quietBefore = quiet;
        return trim;
    }

    /// <summary>After a trim: what the GC holds now is the new baseline.</summary>
    public void Trimmed(long committed) => _baseline = committed;
}
