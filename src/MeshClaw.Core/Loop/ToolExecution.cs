using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>One tool call to carry out for a run. <see cref="AwaitApprovalId"/> is set when a resumed run picks up a held call.</summary>
public sealed record ToolExecution(
    AgentRunRequest Request,
    RunId Run,
    RunSecurityState Security,
    FunctionCallContent Call,
    IApprovalWaitHooks Hooks,
    string? AwaitApprovalId = null);

/// <summary>What happened to the call and what the model is told.</summary>
public sealed record ToolExecutionResult(ToolCallOutcome Outcome, string Result, string ArgumentsJson);
