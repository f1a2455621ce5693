using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>Puts back a home-folder file's earlier content: the inverse of the tools that change MeshClaw itself.</summary>
public sealed class RestoreHomeFileTool(MeshClawHome home) : IAgentTool
{
    public string Name => "restore_home_file";
    public string Capability => "meshclaw.restore";
    public ToolRisk Risk => ToolRisk.ChangesMeshClaw;
    public string Description => "Restores an earlier version of config.json or an agent file.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"file":{"type":"string"},"content":{"type":"string"},"existed":{"type":"boolean"}},"required":["file","content"],"additionalProperties":false}
        """).RootElement;

    /// <summary>Only an undo may use it: an agent calling it directly could write any config or grants it likes.</summary>
    public Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ToolCallPlan(Risk)
        {
            Target = ToolArguments.RequiredString(arguments, "file"),
            Forbidden = context.IsUndo ? null : "restoring MeshClaw's files is the undo's, which the user starts; an agent may not call it",
        });

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var file = ToolArguments.RequiredString(arguments, "file");
        var full = Path.GetFullPath(Path.Combine(home.Root, file));
        var allowed = full == home.ConfigFile || (Path.GetDirectoryName(full) == home.Agents && full.EndsWith(".md", StringComparison.Ordinal));
        if (!allowed)
        {
            throw new ToolArgumentException($"'{file}' is not config.json or an agent file");
        }

        var existed = !arguments.TryGetProperty("existed", out var e) || e.ValueKind != JsonValueKind.False;
        if (!existed)
        {
            File.Delete(full);
            return new ToolResult($"removed {file}");
        }

        await HomeFiles.WriteAsync(full, ToolArguments.RequiredString(arguments, "content"), cancellationToken);
        return new ToolResult($"restored {file}");
    }
}
