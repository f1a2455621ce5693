using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Core.Policy;

/// <summary>A tool call as the gate sees it: who asks, in which run, for which tool, with which arguments and effects.</summary>
public sealed record ToolCallRequest(
    AgentDefinition Agent,
    RunId Run,
    IAgentTool Tool,
    JsonElement Arguments,
    ToolCallPlan Plan,
    RunSecurityState Security);
