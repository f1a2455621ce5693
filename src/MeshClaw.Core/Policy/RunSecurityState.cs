using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Policy;

/// <summary>
/// What the gate needs to know about the run so far: what started it, whether a person is watching it, whether it has
/// read untrusted content (and from where), and how many items it has already changed per capability.
/// </summary>
public sealed class RunSecurityState(RunTrigger trigger, bool interactive = false, IEnumerable<string>? inheritedTaint = null, RunSecurityState? parent = null)
{
    private readonly List<string> _taint = [.. inheritedTaint ?? []];
    private readonly Dictionary<string, int> _changed = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly HashSet<string> _blockedItems = new(StringComparer.Ordinal);
    private int _delegations;
    private string? _blocked;
    private bool _suggestOnly;

    public RunTrigger Trigger { get; } = trigger;

    /// <summary>The run's id, set by the lifecycle; a grant made for a run holds in it and in its sub-runs.</summary>
    public string? Run { get; init; }

    /// <summary>The ids of the runs above this one, nearest first.</summary>
    public IEnumerable<string> AncestorRuns =>
        parent is null ? [] : (parent.Run is { } id ? [id] : Enumerable.Empty<string>()).Concat(parent.AncestorRuns);

    /// <summary>A person started this run and is watching it (the owner's CLI or dashboard chat); decided by the caller's identity, never by the model.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>The run's delimiter marker for untrusted content, and what was neutralised inside it.</summary>
    public Security.UntrustedFence Fence { get; } = new();

    /// <summary>For a system procedure's run only: what its module declared the user's settings already decided.</summary>
    public IReadOnlyList<SystemAllowance> SystemAllowances { get; init; } = [];

    /// <summary>A model picks this run's tool calls (the free loop), or procedure code does (see <c>IRunProcedure.ModelChoosesCalls</c>).</summary>
    public bool ModelChoosesCalls { get; init; } = true;

    public bool Tainted
    {
        get
        {
            lock (_lock)
            {
                return _taint.Count > 0;
            }
        }
    }

    public IReadOnlyList<string> TaintSources
    {
        get
        {
            lock (_lock)
            {
                return [.. _taint];
            }
        }
    }

    public void Taint(string source)
    {
        lock (_lock)
        {
            if (!_taint.Contains(source))
            {
                _taint.Add(source);
            }
        }
    }

    public IReadOnlyDictionary<string, int> Changed
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_changed, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Why the run stopped being trusted to act: the gate denied, or the user refused, a call that sends outside, executes
    /// code or changes MeshClaw after the run read untrusted content. Null while nothing like that happened. Seen by the
    /// whole run tree: a sub-run that met an attack blocks its parent, and a sub-run of a blocked run starts blocked.
    /// </summary>
    public string? Blocked
    {
        get
        {
            lock (_lock)
            {
                return _blocked ?? parent?.Blocked;
            }
        }
    }

    /// <summary>Marks the run blocked (the first reason stays) and notes the items the refused call named, which the run may no longer change.</summary>
    public void Block(string reason, IEnumerable<string> items)
    {
        lock (_lock)
        {
            _blocked ??= reason;
            foreach (var item in items)
            {
                _blockedItems.Add(item);
            }
        }

        parent?.Block(reason, items);
    }

    /// <summary>The items named in refused calls (targets, ids, paths, addresses), for a checkpoint.</summary>
    public IReadOnlyList<string> BlockedItems
    {
        get
        {
            lock (_lock)
            {
                return [.. _blockedItems];
            }
        }
    }

    /// <summary>Whether a call naming these items would change something a refused call of this run tree named (covering its tracks).</summary>
    public bool NamesBlockedItem(IEnumerable<string> items)
    {
        lock (_lock)
        {
            if (items.Any(_blockedItems.Contains))
            {
                return true;
            }
        }

        return parent?.NamesBlockedItem(items) ?? false;
    }

    /// <summary>
    /// In suggest mode every change becomes a proposal the user approves. It is one-way: set by the user (flag, agent
    /// file, chat toggle) or by the model for its own run, and nothing can unset it; sub-runs inherit it.
    /// </summary>
    public bool SuggestOnly => Volatile.Read(ref _suggestOnly) || (parent?.SuggestOnly ?? false);

    public void EnterSuggestMode() => Volatile.Write(ref _suggestOnly, true);

    /// <summary>How many sub-agent levels are above this run: 0 for the run a person or a trigger started.</summary>
    public int Depth => parent is null ? 0 : parent.Depth + 1;

    /// <summary>
    /// Takes one sub-agent call from the whole run tree's allowance, counted at the root so that no sub-run can split
    /// a fan-out into allowed pieces; false, taking nothing, when the tree has used <paramref name="limit"/> already.
    /// </summary>
    public bool TryTakeDelegation(int limit)
    {
        if (parent is not null)
        {
            return parent.TryTakeDelegation(limit);
        }

        while (true)
        {
            var taken = Volatile.Read(ref _delegations);
            if (taken >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _delegations, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }

    /// <summary>Items changed with a capability by the whole run tree: a sub-run's changes are counted into its parent, so the root holds the total.</summary>
    public int ChangedSoFar(string capability)
    {
        if (parent is not null)
        {
            return parent.ChangedSoFar(capability);
        }

        lock (_lock)
        {
            return _changed.GetValueOrDefault(capability);
        }
    }

    public void CountChanged(string capability, int items)
    {
        lock (_lock)
        {
            _changed[capability] = _changed.GetValueOrDefault(capability) + items;
        }

        // A sub-agent's changes count against its parent too, so delegating cannot split a bulk change into allowed pieces.
        parent?.CountChanged(capability, items);
    }
}
