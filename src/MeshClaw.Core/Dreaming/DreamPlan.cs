namespace MeshClaw.Core.Dreaming;

/// <summary>What one dream decided: rules to propose and accepted rules to retire. It is written in one transaction, or not at all.</summary>
public sealed record DreamPlan(IReadOnlyList<RuleProposal> Proposals, IReadOnlyList<RuleRetirement> Retirements, int HabitsExamined)
{
    public bool IsEmpty => Proposals.Count == 0 && Retirements.Count == 0;
}

/// <summary>A rule to propose, with the evidence the user reads before accepting it.</summary>
public sealed record RuleProposal(string Account, RuleMatch Match, string Key, string Category, int Decisions, string Evidence);

/// <summary>An accepted rule to take out of use, and why.</summary>
public sealed record RuleRetirement(long RuleId, string Why);
