using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;

namespace MeshClaw.Connectors.Email.Dreaming;

/// <summary>
/// The dreamer: a system run (nightly at 03:00 in the user's time zone, held while paused, and on demand with
/// <c>meshclaw dream</c>) that mines the triage decisions of the last 90 days into proposed rules with their evidence,
/// and retires accepted rules the user keeps correcting (see <see cref="RuleMiner"/>). It uses no model and calls no
/// tool: it reads MeshClaw's own records and writes its proposals and journal in one transaction.
/// </summary>
public sealed class Dreamer(ILearnedRules rules, ICurrentConfig config) : ISystemProcedure
{
    public const string ProcedureName = "dreamer";
    public const string AgentName = "system.dreamer";

    public string Name => ProcedureName;
    public string Agent => AgentName;
    public IReadOnlyList<string> Grants => [];
    public IReadOnlyList<SystemAllowance> Decided => [];
    public TimeSpan Every => TimeSpan.FromDays(1);
    public TimeOnly? DailyAt => new TimeOnly(3, 0);

    /// <summary>A code procedure: no model picks any call (it makes none).</summary>
    public bool ModelChoosesCalls => false;

    public Task<bool> IsDueAsync(CancellationToken cancellationToken) => Task.FromResult(config.Sections.Get<EmailSettings>().Accounts.Count > 0);

    public async Task<RunAnswer> RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        var (plan, lines) = await DreamAsync(rules, run.Request.Config.Get<EmailSettings>().Rules, run.Id.Value, run.Time.GetUtcNow(), cancellationToken);
        var proposed = lines.Count(l => l.Kind == DreamLineKind.Proposed);
        var retired = lines.Count(l => l.Kind == DreamLineKind.Retired);
        var answer = lines.Count == 0
            ? $"looked at {plan.HabitsExamined} sender(s) and list(s) with {RuleMiner.MinDecisions} or more decisions: nothing new to propose or retire"
            : $"looked at {plan.HabitsExamined} sender(s) and list(s): {proposed} rule(s) proposed, {retired} retired\n"
              + string.Join('\n', lines.Select(l => $"  {l.Kind.ToString().ToLowerInvariant()} #{l.RuleId} {l.Rule}: {l.Evidence}"))
              + (proposed > 0 ? "\naccept or reject with: meshclaw rules accept|reject ID" : "");
        return new RunAnswer(answer) { Figures = new Dictionary<string, object?> { ["proposed"] = proposed, ["retired"] = retired, ["examined"] = plan.HabitsExamined } };
    }

    /// <summary>One dream's work: mine, plan, and write the plan in one transaction. Returns the plan and the journal lines written.</summary>
    public static async Task<(DreamPlan Plan, IReadOnlyList<DreamLine> Lines)> DreamAsync(ILearnedRules rules, IReadOnlyList<TriageRule> userRules, string runId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var habits = await rules.HabitsAsync(now - RuleMiner.Window, RuleMiner.MinDecisions, cancellationToken);
        var existing = await rules.ListAsync(null, cancellationToken);
        var plan = RuleMiner.Plan(habits, existing, habit => CoveredByUserRule(habit, userRules));
        return (plan, await rules.SaveDreamAsync(runId, now, plan, cancellationToken));
    }

    /// <summary>A user rule that already files all of this sender's mail (by address, with no subject condition) makes a learned rule a duplicate.</summary>
    public static bool CoveredByUserRule(HabitEvidence habit, IReadOnlyList<TriageRule> userRules)
    {
        ArgumentNullException.ThrowIfNull(habit);
        ArgumentNullException.ThrowIfNull(userRules);
        return habit.Match == RuleMatch.Sender && userRules.Any(r => r.From is not null && r.SubjectContains is null && TriageRules.Glob(r.From).IsMatch(habit.Key));
    }
}
