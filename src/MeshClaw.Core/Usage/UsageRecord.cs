namespace MeshClaw.Core.Usage;

/// <summary>One model call in the ledger: what the provider reported (or our estimate), what it cost, and whom it served.</summary>
public sealed record UsageRecord
{
    public required DateTimeOffset At { get; init; }
    public required string Provider { get; init; }
    /// <summary>The configured model name the call went to (the alias in config.json).</summary>
    public required string ModelName { get; init; }
    /// <summary>The provider's model id, as it answered.</summary>
    public required string ModelId { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long ReasoningTokens { get; init; }
    /// <summary>True when the provider reported no usage and the token counts are MeshClaw's local estimate.</summary>
    public bool Estimated { get; init; }
    public decimal Cost { get; init; }
    public double LatencyMs { get; init; }
    public string? Agent { get; init; }
    public string? RunId { get; init; }
    public string? Trigger { get; init; }
    /// <summary>Null when the call succeeded; otherwise why it failed (the row still counts the attempt).</summary>
    public string? Error { get; init; }
    /// <summary>How the call ended: ok, timeout, cancelled or failed (<see cref="UsageOutcome"/>).</summary>
    public string Outcome => UsageOutcome.Of(Error);
}
