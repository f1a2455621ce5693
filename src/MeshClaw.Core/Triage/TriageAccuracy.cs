namespace MeshClaw.Core.Triage;

/// <summary>How one kind of verdict (user rule, list headers, automated, learned sender, learned rule, correction, model) fared: verdicts made, verdicts the user corrected, and
/// the tokens a zero-token kind saved (its verdicts at the period's tokens per model verdict).</summary>
public sealed record TriageAccuracy(string Kind, long Verdicts, long Corrected, long TokensSaved)
{
    public double? CorrectionRate => Verdicts == 0 ? null : (double)Corrected / Verdicts;

    /// <summary>The kind a decision's source belongs to: <c>rule:NAME</c> of the user's rules is "user rule".</summary>
    public static string KindOf(string source) => source switch
    {
        "model" => "model",
        "correction" => "your correction",
        "rule:list-headers" => "list headers",
        "rule:automated" or "rule:tool" => "automated",
        "rule:known-sender" or DomainVerdict.RuleSource => "learned sender",
        "rule:alert" => "alert",
        _ when source.StartsWith(Dreaming.LearnedRule.SourcePrefix, StringComparison.Ordinal) => "learned rule",
        _ when source.StartsWith("rule:", StringComparison.Ordinal) => "user rule",
        _ => source,
    };
}
