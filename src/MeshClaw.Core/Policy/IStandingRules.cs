using System.Text.Json;

namespace MeshClaw.Core.Policy;

/// <summary>Narrow rules the user created while approving ("always allow this exact kind of call").</summary>
public interface IStandingRules
{
    /// <summary>The first rule that allows this call, or null; answered from memory, so the gate costs no I/O.</summary>
    StandingRule? Match(string agent, string capability, JsonElement arguments);

    IReadOnlyList<StandingRule> All { get; }

    /// <summary>Reads the rules from the store (at start, and whenever another writer may have changed them).</summary>
    Task LoadAsync(CancellationToken cancellationToken);

    Task<StandingRule> AddAsync(string agent, string capability, JsonElement match, string createdBy, string? sourceApproval, DateTimeOffset at, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(long id, CancellationToken cancellationToken);
}
