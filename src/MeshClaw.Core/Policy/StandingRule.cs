using System.Text.Json;

namespace MeshClaw.Core.Policy;

/// <summary>
/// A grant the user made while approving: allows calls of one agent and capability whose arguments carry exactly the
/// given values, e.g. <c>{"from":"news@example.com","folder":"Newsletters"}</c> (arguments not named are free; an
/// empty match allows any arguments), for its <see cref="Scope"/>: the run that asked and its sub-runs, until
/// <see cref="ExpiresAt"/>, or until revoked.
/// </summary>
public sealed record StandingRule(long Id, string Agent, string Capability, JsonElement Match, DateTimeOffset CreatedAt)
{
    public GrantScope Scope { get; init; } = GrantScope.Always;
    /// <summary>For <see cref="GrantScope.Run"/>: the run it was granted in.</summary>
    public string? RunId { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? CreatedBy { get; init; }
    /// <summary>The approval it was made with, if any.</summary>
    public string? SourceApproval { get; init; }
    public long Uses { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>When it was revoked or found expired; an ended grant never matches.</summary>
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndReason { get; init; }

    public bool Matches(string agent, string capability, JsonElement arguments)
    {
        if (agent != Agent || capability != Capability || arguments.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var expected in Match.EnumerateObject())
        {
            if (!arguments.TryGetProperty(expected.Name, out var actual) || !JsonElement.DeepEquals(actual, expected.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the grant still holds for a call made in <paramref name="context"/>: not ended, not expired, and in its run for a run's grant.</summary>
    public bool HoldsIn(GrantContext context) =>
        EndedAt is null
        && (ExpiresAt is not { } expires || context.Now < expires)
        && (Scope != GrantScope.Run || (RunId is not null && context.Runs.Contains(RunId)));

    public bool Allows(string agent, string capability, JsonElement arguments, GrantContext context) => HoldsIn(context) && Matches(agent, capability, arguments);

    /// <summary>How the grant reads in a policy decision and a list: "for this run", "until 14:05 UTC", "standing".</summary>
    public string Terms => Scope switch
    {
        GrantScope.Run => $"for run {RunId}",
        GrantScope.Always => "standing",
        _ => $"until {ExpiresAt:yyyy-MM-dd HH:mm} UTC",
    };
}
