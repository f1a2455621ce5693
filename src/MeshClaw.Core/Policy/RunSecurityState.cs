using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Policy;

/// <summary>
/// What the gate needs to know about the run so far: what started it, whether it has read untrusted content
/// (and from where), and how many items it has already changed per capability.
/// </summary>
public sealed class RunSecurityState(RunTrigger trigger, IEnumerable<string>? inheritedTaint = null, RunSecurityState? parent = null)
{
    private readonly List<string> _taint = [.. inheritedTaint ?? []];
    private readonly Dictionary<string, int> _changed = new(StringComparer.Ordinal);

    public RunTrigger Trigger { get; } = trigger;
    public bool Tainted => _taint.Count > 0;
    public IReadOnlyList<string> TaintSources => _taint;

    /// <summary>Runs a person started and is watching (chat, the CLI); everything else is autonomous.</summary>
    public bool Interactive => Trigger.Kind is "chat" or "cli";

    public void Taint(string source)
    {
        if (!_taint.Contains(source))
        {
            _taint.Add(source);
        }
    }

    public IReadOnlyDictionary<string, int> Changed => _changed;

    /// <summary>Items changed with a capability by this run, and by its parent when it is a sub-run (limits are per run tree).</summary>
    public int ChangedSoFar(string capability) => _changed.GetValueOrDefault(capability) + (parent?.ChangedSoFar(capability) ?? 0);

    public void CountChanged(string capability, int items)
    {
        _changed[capability] = _changed.GetValueOrDefault(capability) + items;
        // A sub-agent's changes count against its parent too, so delegating cannot split a bulk change into allowed pieces.
        parent?.CountChanged(capability, items);
    }
}
