namespace MeshClaw.Core.Insights;

/// <summary>Usage against outcomes over a period: what the tokens bought.</summary>
public sealed record ValueSummary(long Tokens, long InputTokens, long CachedTokens, decimal Cost, long ModelCalls, long Outcomes, long SettledByRules, long Triaged,
    IReadOnlyList<OutcomeKind> ByKind)
{
    public decimal? CostPerOutcome => Outcomes == 0 ? null : Cost / Outcomes;
    public long? TokensPerOutcome => Outcomes == 0 ? null : Tokens / Outcomes;
    public double? RuleShare => Triaged == 0 ? null : (double)SettledByRules / Triaged;
    public double? CachedShare => InputTokens == 0 ? null : (double)CachedTokens / InputTokens;
}

public sealed record OutcomeKind(string Kind, long Count, long Useful, long NotUseful);
