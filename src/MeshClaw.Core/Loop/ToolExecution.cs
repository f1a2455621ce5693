using System.Text.Json;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>One tool call to carry out for a run. <see cref="AwaitApprovalId"/> is set when a resumed run picks up a held call.</summary>
public sealed record ToolExecution(RunContext Run, FunctionCallContent Call, IApprovalWaitHooks Hooks, string? AwaitApprovalId = null);

/// <summary>What happened to the call, what the model is told, and the tool's structured data for procedures.</summary>
public sealed record ToolExecutionResult(ToolCallOutcome Outcome, string Result, string ArgumentsJson)
{
    public JsonElement? Data { get; init; }
}
