namespace MeshClaw.Core.Dreaming;

/// <summary>
/// The recorded triage decisions for one sender (mail with no List-Id) or one list of an account, summed for mining:
/// how many, in how many categories (and which, when one), and how many the user corrected, were made in runs that
/// read content flagged as an injection attempt (poisoned), belong to a filing the user undid (reverted), or were made
/// by a learned rule already.
/// </summary>
public sealed record HabitEvidence(
    string Account, RuleMatch Match, string Key, int Decisions, int Categories, string Category,
    int Corrected, int Poisoned, int Reverted, int ByLearnedRule, DateTimeOffset First, DateTimeOffset Last);
