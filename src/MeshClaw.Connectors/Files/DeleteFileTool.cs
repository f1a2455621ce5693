using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Connectors.Files;

/// <summary>"Deletes" a workspace file by moving it to the workspace's .trash folder; undo moves it back.</summary>
public sealed class DeleteFileTool : IAgentTool
{
    public string Name => "delete_file";
    public string Capability => "files.delete";
    public ToolRisk Risk => ToolRisk.ReversibleWrite;
    public string Description => "Deletes a file in the workspace (it goes to the workspace's .trash folder and can be restored).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"path":{"type":"string"}},"required":["path"],"additionalProperties":false}
        """).RootElement;

    public Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (relative, path) = Read(arguments, context);
        if (!File.Exists(path))
        {
            throw new ToolArgumentException($"no file '{relative}' in the workspace");
        }

        var inside = Path.GetRelativePath(context.Workspace, path);
        var trash = Path.GetRelativePath(context.Workspace, Trash.PlaceFor(context.Workspace, context.Run.Value, inside));
        return Task.FromResult(new ToolCallPlan(Risk)
        {
            Target = inside,
            Inverse = new ToolInverse("move_file", JsonSerializer.SerializeToElement(new { from = trash, to = inside })),
        });
    }

    public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (relative, path) = Read(arguments, context);
        if (!File.Exists(path))
        {
            return Task.FromResult(ToolResult.Error($"no file '{relative}' in the workspace"));
        }

        var trash = Trash.PlaceFor(context.Workspace, context.Run.Value, Path.GetRelativePath(context.Workspace, path));
        Directory.CreateDirectory(Path.GetDirectoryName(trash)!);
        File.Move(path, trash);
        return Task.FromResult(new ToolResult($"deleted {relative} (kept in {Path.GetRelativePath(context.Workspace, trash)})"));
    }

    public Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (_, path) = Read(arguments, context);
        return Task.FromResult(File.Exists(path) ? ReconcileOutcome.NotDone : ReconcileOutcome.Done);
    }

    private static (string Relative, string Path) Read(JsonElement arguments, ToolContext context)
    {
        var relative = ToolArguments.RequiredString(arguments, "path");
        var path = WorkspacePath.Resolve(context.Workspace, relative) ?? throw new ToolArgumentException($"'{relative}' is outside the workspace");
        if (Trash.Contains(context.Workspace, path))
        {
            throw new ToolArgumentException("files in .trash cannot be deleted by an agent; they are the undo history");
        }

        return (relative, path);
    }
}
