using System.Collections.Concurrent;

namespace MeshClaw.Core.Security.Credentials;

/// <summary>How many credentials of each kind one run had redacted (shared by its tool calls, which may run in parallel).</summary>
public sealed class CredentialTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public void Add(string kind)
    {
        _counts.AddOrUpdate(kind, 1, (_, count) => count + 1);
        Interlocked.Increment(ref _total);
    }

    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);
}
