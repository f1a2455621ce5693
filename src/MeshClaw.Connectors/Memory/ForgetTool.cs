using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Memory;

namespace MeshClaw.Connectors.Memory;

/// <summary>Deletes a memory note for good ("forget" really deletes); also the inverse of <see cref="RememberTool"/>.</summary>
public sealed class ForgetTool(IMemoryStore memories) : IAgentTool
{
    public string Name => "forget";
    public string Capability => "memory.forget";
    public ToolRisk Risk => ToolRisk.IrreversibleWrite;
    public string Description => "Deletes a memory note by id, for good.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var id = ToolArguments.OptionalInteger(arguments, "id") ?? throw new ToolArgumentException("the argument 'id' is required");
        return await memories.ForgetAsync(context.Agent, id, cancellationToken) ? new ToolResult($"forgot note {id}") : ToolResult.Error($"agent '{context.Agent}' has no note {id}");
    }

    public async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        await memories.ExistsAsync(context.Agent, ToolArguments.OptionalInteger(arguments, "id") ?? 0, cancellationToken) ? ReconcileOutcome.NotDone : ReconcileOutcome.Done;
}
