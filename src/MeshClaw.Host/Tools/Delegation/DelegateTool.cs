using System.Text.Json;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Host.Tools.Delegation;

/// <summary>
/// Hands a task to a sub-agent named in the caller's <c>subagents</c>. The sub-agent runs with the parent's taint,
/// only the grants both agents hold, and from the parent's budget; its answer comes back untrusted when either had
/// read untrusted content.
/// </summary>
public sealed class DelegateTool : IAgentTool
{
    public string Name => "delegate_to_agent";
    public string Capability => "agents.delegate";
    public ToolRisk Risk => ToolRisk.Read;
    public string Description => "Asks another agent (one of this agent's subagents) to do a task and returns its answer.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"agent":{"type":"string"},"message":{"type":"string"}},"required":["agent","message"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var agent = ToolArguments.RequiredString(arguments, "agent");
        var runner = context.Subagents ?? throw new ToolArgumentException("sub-agents can only be asked from within a run");
        var run = await runner.RunSubagentAsync(context, agent, ToolArguments.RequiredString(arguments, "message"), cancellationToken);
        var text = run.Status == RunStatus.Succeeded
            ? $"sub-agent {agent} (run {run.Id}) answered:\n{run.Answer}"
            : $"sub-agent {agent} (run {run.Id}) ended {run.Status}: {run.StatusReason}";
        return new ToolResult(text, IsError: run.Status != RunStatus.Succeeded, Untrusted: context.Taint.Count > 0 || run.Taint.Count > 0);
    }
}
