namespace MeshClaw.Core.Insights;

/// <summary>
/// The value side of the ledger: what the tokens bought, what rules settled at zero tokens, and waste (runs that
/// spent and produced nothing, loops, outputs the user threw away).
/// </summary>
public interface IInsights
{
    Task<ValueSummary> ValueAsync(DateTimeOffset since, CancellationToken cancellationToken);
    Task<IReadOnlyList<WasteItem>> WasteAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Approvals asked and runs with a useful outcome since then, by agent (busiest asker first).</summary>
    Task<IReadOnlyList<AskFigure>> AsksAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
