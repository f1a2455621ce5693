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

        if (!File.Exists(path))
        {
            return new ToolCallPlan(Risk) { Target = relative, Inverse = new ToolInverse("delete_file", JsonSerializer.SerializeToElement(new { path = relative })) };
        }

        // The previous content is the inverse; a large or binary file cannot be kept that way, so replacing it
        // counts as irreversible (and needs approval).
        if (new FileInfo(path).Length > MaxBytes || await ReadTextAsync(path, cancellationToken) is not { } previous)
        {
            return new ToolCallPlan(ToolRisk.IrreversibleWrite) { Target = relative };
        }

        return new ToolCallPlan(Risk) { Target = relative, Inverse = new ToolInverse("write_file", JsonSerializer.SerializeToElement(new { path = relative, content = previous })) };
    }

    private static async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(await File.ReadAllBytesAsync(path, cancellationToken));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
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
        if (Trash.Contains(context.Workspace, path))
        {
            // What lies in .trash is what undo puts back: an agent writing there could rewrite the undo history.
            throw new ToolArgumentException("files in .trash cannot be written by an agent; they are the undo history");
        }

        return (relative, path, ToolArguments.RequiredString(arguments, "content"));
    }
}
