namespace MeshClaw.Core.Lifecycle;

/// <summary>How a procedure's run ended well: its answer (a reply, a digest) and figures for the run's closing audit record.</summary>
public sealed record RunAnswer(string? Answer)
{
    public IReadOnlyDictionary<string, object?> Figures { get; init; } = new Dictionary<string, object?>();
}
