namespace MeshClaw.Core.Dreaming;

/// <summary>One line of the dream journal: a rule a dream proposed or retired, and why (its evidence).</summary>
public sealed record DreamLine(string RunId, DateTimeOffset At, DreamLineKind Kind, long RuleId, string Rule, string Evidence);

public enum DreamLineKind
{
    Proposed,
    Retired,
}
