using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Memory;

namespace MeshClaw.Connectors.Memory;

/// <summary>
/// Keeps a note for later runs of the same agent, with its trust: user-stated (the owner's chat or run, untainted),
/// observed (an untainted scheduled run), or untrusted (written after the run read untrusted content): an untrusted
/// note can inform a later run but marks that run tainted, so it never grants power.
/// </summary>
public sealed class RememberTool(IMemoryStore memories) : IAgentTool
{
    public string Name => "remember";
    public string Capability => "memory.write";
    public ToolRisk Risk => ToolRisk.ReversibleWrite;
    public string Description => "Stores a short note in the agent's memory for later runs.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var text = ToolArguments.RequiredString(arguments, "text");
        // The owner's own words, in a run they started and that read nothing untrusted, are user-stated; a schedule's
        // observations are observed; anything after untrusted content is untrusted.
        var trust = context.Taint.Count > 0 ? "untrusted" : context.Security?.Interactive == true ? "user-stated" : "observed";
        var id = await memories.AddAsync(context.Agent, text, trust, context.Run.Value, context.Time.GetUtcNow(), cancellationToken);
        return new ToolResult($"remembered as note {id} ({trust})")
        {
            Inverse = new ToolInverse("forget", JsonSerializer.SerializeToElement(new { id })),
        };
    }
}
