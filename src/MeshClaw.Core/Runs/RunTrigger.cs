namespace MeshClaw.Core.Runs;

/// <summary>What started a run, and its source detail (a cron expression, an event, the client that asked).</summary>
public sealed record RunTrigger(RunTriggerKind Kind, string? Detail = null)
{
    /// <summary>For a sub-run: the run that delegated to it.</summary>
    public string? ParentRun { get; init; }

    public override string ToString() => Detail is null ? Kind.Text() : $"{Kind.Text()}:{Detail}";
}
