using System.Text.Json;

namespace MeshClaw.Core.Tools;

/// <summary>
/// A tool an agent may be granted. Each declares its capability and risk class so the gate can decide on it
/// without knowing what it does.
/// </summary>
public interface IAgentTool
{
    /// <summary>The function name the model sees (letters, digits, '_' and '-').</summary>
    string Name { get; }
    /// <summary>The dotted permission it needs, e.g. <c>files.read</c>.</summary>
    string Capability { get; }
    ToolRisk Risk { get; }
    string Description { get; }
    /// <summary>JSON schema of the arguments object.</summary>
    JsonElement ParametersSchema { get; }
    Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken);
}
