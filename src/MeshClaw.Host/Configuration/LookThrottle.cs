namespace MeshClaw.Host.Configuration;

/// <summary>
/// When to look at a home-folder file again: at most every 50 ms. The hot paths (every policy decision, every line
/// redacted) then do not stat the file each time, and an edit is still seen within a blink. A file watcher would not
/// do: config.json and secrets.json share their folder with the database, whose every write it would report.
/// </summary>
public sealed class LookThrottle
{
    private const long IntervalMs = 50;
    private long _next;

    public bool Due => Environment.TickCount64 >= Interlocked.Read(ref _next);

    /// <summary>Call just before looking.</summary>
    public void Looking() => Interlocked.Exchange(ref _next, Environment.TickCount64 + IntervalMs);

    /// <summary>Makes the next ask look, e.g. right after this process wrote the file.</summary>
    public void Reset() => Interlocked.Exchange(ref _next, 0);
}
