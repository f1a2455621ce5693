namespace MeshClaw.Core.Dreaming;

/// <summary>Where a learned rule stands: only an accepted one is applied by triage.</summary>
public enum LearnedRuleStatus
{
    /// <summary>Mined by a dream, waiting for the user.</summary>
    Proposed,
    Accepted,
    /// <summary>The user said no: never proposed again.</summary>
    Rejected,
    /// <summary>The user kept correcting its verdicts: a dream took it out of use.</summary>
    Retired,
}
