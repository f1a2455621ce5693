using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;

namespace MeshClaw.Host.Api;

// The HTTP API's request and response bodies. Kept together: they are one contract read by the CLI.

/// <summary>
/// <paramref name="Trigger"/> may ask for less than the caller is allowed, never more: <c>api</c> runs autonomously
/// (held while paused); <c>cli</c> or <c>chat</c> is a watched run only for a caller who may start one (the owner's
/// token, the dashboard). <paramref name="Content"/> is content from outside (a mail, a file), wrapped as untrusted.
/// </summary>
public sealed record StartRunBody(string Agent, string Message, string? Session = null, bool Stream = false, string? Trigger = null, ContentBody? Content = null, bool SuggestOnly = false);

/// <summary>One model call of a run, as the usage ledger recorded it; <paramref name="Outcome"/> is ok, timeout, cancelled or failed.</summary>
public sealed record ModelCallView(DateTimeOffset At, string Model, string ModelId, long InputTokens, long OutputTokens, bool Estimated,
    decimal Cost, double LatencyMs, string Outcome, string? Error)
{
    public static ModelCallView From(UsageRecord r) =>
        new(r.At, r.ModelName, r.ModelId, r.InputTokens, r.OutputTokens, r.Estimated, r.Cost, r.LatencyMs, r.Outcome, r.Error);
}

/// <summary>Untrusted content that comes with a run: where it is from, and its text.</summary>
public sealed record ContentBody(string Source, string Text);

public sealed record UsageView(long InputTokens, long OutputTokens, long CachedTokens, long ReasoningTokens, long TotalTokens, decimal Cost, int ModelCalls)
{
    public static UsageView From(RunUsage u) => new(u.InputTokens, u.OutputTokens, u.CachedTokens, u.ReasoningTokens, u.TotalTokens, u.Cost, u.ModelCalls);
}

public sealed record RunView(
    string Id, string Agent, string Trigger, string? Session, string Input, RunStatus Status, string? Reason, string? Answer,
    UsageView Usage, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<string>? Taint = null,
    IReadOnlyList<ToolCallView>? ToolCalls = null, IReadOnlyList<TranscriptView>? Transcript = null)
{
    public static RunView From(RunRecord r) => new(r.Id.Value, r.Agent, r.Trigger.ToString(), r.Session, r.Input, r.Status, r.StatusReason,
        r.Answer, UsageView.From(r.Usage), r.StartedAt, r.EndedAt, r.Taint);

    public static RunView From(RunDetail d) => From(d.Run) with
    {
        ToolCalls = [.. d.ToolCalls.Select(ToolCallView.From)],
        Transcript = [.. d.Transcript.Select(t => new TranscriptView(t.Seq, t.Role, t.Content, t.At))],
    };
}

public sealed record ToolCallView(int Seq, string CallId, string Tool, string Arguments, ToolCallOutcome Outcome, string Result, double DurationMs, DateTimeOffset At)
{
    public static ToolCallView From(ToolCallRecord c) => new(c.Seq, c.CallId, c.Tool, c.ArgumentsJson, c.Outcome, c.Result, c.DurationMs, c.At);
}

public sealed record TranscriptView(int Seq, string Role, string Content, DateTimeOffset At);

public sealed record UsageReport(DateTimeOffset Since, IReadOnlyList<UsageTotal> ByAgentAndModel, long TotalTokens, decimal TotalCost, int Calls);

public sealed record AgentView(string Name, string Description, string? Model, IReadOnlyList<string> Fallbacks, IReadOnlyList<string> Tools,
    IReadOnlyList<string> Triggers, string File);

public sealed record AgentListView(IReadOnlyList<AgentView> Agents, IReadOnlyList<string> Errors);

/// <summary>Whether the gateway is up, and which home it serves (<c>Home</c> is the home's id, a hash of its path, not the path).</summary>
/// <param name="Store">"ok", or why the home cannot be written (a full disk, a read-only file system).</param>
public sealed record HealthView(string Status, string Version, int ActiveRuns, bool Paused, string Home, string Store = "ok");

public sealed record FeedbackBody(string Verdict);
