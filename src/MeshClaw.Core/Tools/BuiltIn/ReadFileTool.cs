using System.Text;
using System.Text.Json;

namespace MeshClaw.Core.Tools.BuiltIn;

/// <summary>
/// Reads a text file inside the agent's workspace. Paths that leave the workspace (through '..', an absolute
/// path or a symbolic link) are refused. The content is untrusted: the user did not necessarily write it.
/// </summary>
public sealed class ReadFileTool : IAgentTool
{
    private const int DefaultMaxBytes = 64 * 1024;
    private const int HardMaxBytes = 1024 * 1024;

    public string Name => "read_file";
    public string Capability => "files.read";
    public ToolRisk Risk => ToolRisk.Read;
    public string Description => "Reads a text file from the agent's workspace. 'path' is relative to the workspace; 'max_bytes' caps the size (default 65536).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"path":{"type":"string","description":"file path relative to the workspace"},"max_bytes":{"type":"integer"}},"required":["path"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var relative = ToolArguments.RequiredString(arguments, "path");
        var maxBytes = (int)Math.Clamp(ToolArguments.OptionalInteger(arguments, "max_bytes") ?? DefaultMaxBytes, 1, HardMaxBytes);
        if (WorkspacePath.Resolve(context.Workspace, relative) is not { } path)
        {
            return ToolResult.Error($"'{relative}' is outside the workspace; only files inside it can be read");
        }

        if (!File.Exists(path))
        {
            return ToolResult.Error($"no file '{relative}' in the workspace");
        }

        await using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(maxBytes, stream.Length)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        if (stream.Length > read)
        {
            text += $"\n[truncated: showed {read} of {stream.Length} bytes]";
        }

        return new ToolResult(text, Untrusted: true);
    }
}
