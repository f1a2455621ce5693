using System.Globalization;

namespace MeshClaw.Core.Dreaming;

/// <summary>
/// Turns repeated triage decisions into proposed rules, and retires the accepted rules the user keeps correcting.
/// A habit becomes a proposal only when it is plain and clean: at least <see cref="MinDecisions"/> decisions, all in one
/// category, none corrected, none made in a run that read content flagged as an injection attempt, none in a filing the
/// user undid; never urgent or needs-reply (those need the model to read the mail); never what a rule of the user's
/// already says; never again for a sender or list with a rule proposed or accepted, nor a rule the user rejected.
/// No model is involved.
/// </summary>
public static class RuleMiner
{
    public const int MinDecisions = 5;

    /// <summary>Corrections of an accepted rule's verdicts that retire it at the next dream.</summary>
    public const int CorrectionsToRetire = 2;

    /// <summary>How far back a dream looks for decisions.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    /// <summary>Categories a rule never gives: they ask for the mail to be read (flagged, a reply drafted).</summary>
    public static bool NeedsTheModel(string category) => category is "urgent" or "needs-reply";

    public static DreamPlan Plan(IReadOnlyList<HabitEvidence> habits, IReadOnlyList<LearnedRule> rules, Func<HabitEvidence, bool> coveredByUserRule)
    {
        ArgumentNullException.ThrowIfNull(habits);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(coveredByUserRule);
        var proposals = new List<RuleProposal>();
        foreach (var habit in habits.OrderBy(h => h.Account, StringComparer.Ordinal).ThenBy(h => h.Match).ThenBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (habit.Decisions < MinDecisions || habit.Categories != 1 || habit.Corrected > 0 || habit.Poisoned > 0 || habit.Reverted > 0
                || habit.ByLearnedRule > 0 || NeedsTheModel(habit.Category) || coveredByUserRule(habit))
            {
                continue;
            }

            var same = rules.Where(r => r.Account == habit.Account && r.Match == habit.Match && string.Equals(r.Key, habit.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (same.Any(r => r.Status is LearnedRuleStatus.Proposed or LearnedRuleStatus.Accepted || r.Category == habit.Category))
            {
                continue;
            }

            proposals.Add(new RuleProposal(habit.Account, habit.Match, habit.Key, habit.Category, habit.Decisions, Evidence(habit)));
        }

        var retirements = rules.Where(r => r.Status == LearnedRuleStatus.Accepted && r.Corrected >= CorrectionsToRetire)
            .Select(r => new RuleRetirement(r.Id, $"you corrected {r.Corrected} of its {r.Hits} verdicts ({r.Describe()})")).ToList();
        return new DreamPlan(proposals, retirements, habits.Count);
    }

    /// <summary>"mail from news@example.com was filed as newsletter 9 times of 9, never moved back (2026-11-02 to 2026-12-05)".</summary>
    public static string Evidence(HabitEvidence habit)
    {
        ArgumentNullException.ThrowIfNull(habit);
        var what = habit.Match == RuleMatch.List ? $"mail on list {habit.Key}" : $"mail from {habit.Key}";
        var verb = habit.Category is "fyi" ? "kept in the inbox as fyi" : $"filed as {habit.Category}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} was {verb} {habit.Decisions} times of {habit.Decisions}, never moved back ({habit.First:yyyy-MM-dd} to {habit.Last:yyyy-MM-dd})");
    }
}
