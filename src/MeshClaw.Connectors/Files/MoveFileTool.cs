using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Connectors.Files;

/// <summary>Moves or renames a workspace file; never overwrites. Undo moves it back.</summary>
public sealed class MoveFileTool : IAgentTool
{
    public string Name => "move_file";
    public string Capability => "files.move";
    public ToolRisk Risk => ToolRisk.ReversibleWrite;
    public string Description => "Moves or renames a file inside the workspace ('from' and 'to' are relative paths; 'to' must not exist).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"],"additionalProperties":false}
        """).RootElement;

    public Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (from, to, fromPath, toPath) = Read(arguments, context);
        if (!File.Exists(fromPath))
        {
            throw new ToolArgumentException($"no file '{from}' in the workspace");
        }

        if (File.Exists(toPath) || Directory.Exists(toPath))
        {
            throw new ToolArgumentException($"'{to}' already exists; moving never overwrites");
        }

        return Task.FromResult(new ToolCallPlan(Risk)
        {
            Target = $"{from} -> {to}",
            Inverse = new ToolInverse(Name, JsonSerializer.SerializeToElement(new { from = to, to = from })),
        });
    }

    public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (from, to, fromPath, toPath) = Read(arguments, context);
        Directory.CreateDirectory(Path.GetDirectoryName(toPath)!);
        File.Move(fromPath, toPath, overwrite: false);
        return Task.FromResult(new ToolResult($"moved {from} to {to}"));
    }

    public Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (_, _, fromPath, toPath) = Read(arguments, context);
        return Task.FromResult(File.Exists(toPath) && !File.Exists(fromPath) ? ReconcileOutcome.Done
            : File.Exists(fromPath) && !File.Exists(toPath) ? ReconcileOutcome.NotDone : ReconcileOutcome.Unknown);
    }

    private static (string From, string To, string FromPath, string ToPath) Read(JsonElement arguments, ToolContext context)
    {
        var from = ToolArguments.RequiredString(arguments, "from");
        var to = ToolArguments.RequiredString(arguments, "to");
        var fromPath = WorkspacePath.Resolve(context.Workspace, from) ?? throw new ToolArgumentException($"'{from}' is outside the workspace");
        var toPath = WorkspacePath.Resolve(context.Workspace, to) ?? throw new ToolArgumentException($"'{to}' is outside the workspace");
        // Only the user's undo takes a file back out of .trash; nothing is ever moved into it but by delete.
        if (Trash.Contains(context.Workspace, toPath) || (Trash.Contains(context.Workspace, fromPath) && !context.IsUndo))
        {
            throw new ToolArgumentException("files in .trash cannot be moved by an agent; they are the undo history (meshclaw undo puts them back)");
        }

        return (from, to, fromPath, toPath);
    }
}
