using System.Text.Json;

namespace MeshClaw.Core.Policy;

/// <summary>Narrow grants the user made while approving ("allow calls like this, for this run / an hour / today / always").</summary>
public interface IStandingRules
{
    /// <summary>The first grant that allows this call in this run at this time, or null; answered from memory, so the gate costs no I/O.</summary>
    StandingRule? Match(string agent, string capability, JsonElement arguments, GrantContext context);

    /// <summary>The grants not ended (some may have expired since; <see cref="StandingRule.HoldsIn"/> tells).</summary>
    IReadOnlyList<StandingRule> All { get; }

    /// <summary>Reads the grants from the store (at start, and whenever another writer may have changed them).</summary>
    Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new grant (its id is ignored) and returns it with its id.</summary>
    Task<StandingRule> AddAsync(StandingRule rule, CancellationToken cancellationToken);

    /// <summary>Ends a grant that has not ended yet (revoked or expired), saying why; false when there is no such grant or it had ended.</summary>
    Task<bool> EndAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Counts one call the grant allowed.</summary>
    Task UsedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Grants with their use counts, newest first; ended ones too when <paramref name="includeEnded"/>.</summary>
    Task<IReadOnlyList<StandingRule>> ListAsync(bool includeEnded, CancellationToken cancellationToken);

    Task<StandingRule?> GetAsync(long id, CancellationToken cancellationToken);
}
