using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Connectors.Files;

/// <summary>Writes a text file in the workspace. Undo restores the previous content, or removes a file it created.</summary>
public sealed class WriteFileTool : IAgentTool
{
    private const int MaxBytes = 1024 * 1024;

    public string Name => "write_file";
    public string Capability => "files.write";
    public ToolRisk Risk => ToolRisk.ReversibleWrite;
    public string Description => "Writes (creates or replaces) a text file in the workspace. 'path' is relative to the workspace.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (relative, path, content) = Read(arguments, context);
        if (Encoding.UTF8.GetByteCount(content) > MaxBytes)
        {
            throw new ToolArgumentException($"the content is larger than {MaxBytes} bytes");
        }

        ToolInverse inverse = File.Exists(path)
            ? new("write_file", JsonSerializer.SerializeToElement(new { path = relative, content = await File.ReadAllTextAsync(path, cancellationToken) }))
            : new("delete_file", JsonSerializer.SerializeToElement(new { path = relative }));
        return new ToolCallPlan(Risk) { Target = relative, Inverse = inverse };
    }

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (relative, path, content) = Read(arguments, context);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".meshclaw-tmp";
        await File.WriteAllTextAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
        return new ToolResult($"wrote {Encoding.UTF8.GetByteCount(content)} bytes to {relative}");
    }

    public async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (_, path, content) = Read(arguments, context);
        return File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken) == content ? ReconcileOutcome.Done : ReconcileOutcome.NotDone;
    }

    private static (string Relative, string Path, string Content) Read(JsonElement arguments, ToolContext context)
    {
        var relative = ToolArguments.RequiredString(arguments, "path");
        var path = WorkspacePath.Resolve(context.Workspace, relative) ?? throw new ToolArgumentException($"'{relative}' is outside the workspace");
        return (relative, path, ToolArguments.RequiredString(arguments, "content"));
    }
}
