using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Memory;

namespace MeshClaw.Connectors.Memory;

/// <summary>Searches the agent's notes. Notes of untrusted origin come back marked, and taint the run that reads them.</summary>
public sealed class RecallTool(IMemoryStore memories) : IAgentTool
{
    public string Name => "recall";
    public string Capability => "memory.read";
    public ToolRisk Risk => ToolRisk.Read;
    public string Description => "Searches the agent's memory notes for words in 'query'.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"query":{"type":"string"}},"required":["query"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var notes = await memories.SearchAsync(context.Agent, ToolArguments.RequiredString(arguments, "query"), 10, cancellationToken);
        if (notes.Count == 0)
        {
            return new ToolResult("no matching notes");
        }

        var text = new StringBuilder();
        foreach (var note in notes)
        {
            text.Append("note ").Append(note.Id).Append(" (").Append(note.Trust).Append("): ").AppendLine(note.Text);
        }

        return new ToolResult(text.ToString().TrimEnd(), Untrusted: notes.Any(n => n.Trust == "untrusted"));
    }
}
