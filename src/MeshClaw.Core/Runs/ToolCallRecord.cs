namespace MeshClaw.Core.Runs;

/// <summary>One tool call the model asked for, what was decided, and what came back.</summary>
public sealed record ToolCallRecord(
    int Seq,
    string CallId,
    string Tool,
    string ArgumentsJson,
    ToolCallOutcome Outcome,
    string Result,
    double DurationMs,
    DateTimeOffset At);

public enum ToolCallOutcome
{
    Succeeded,
    Failed,
    Denied,
    /// <summary>The model sent arguments that are not valid JSON for the tool; it was told so.</summary>
    InvalidArguments,
}
