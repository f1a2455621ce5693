using System.Text.Json;
using MeshClaw.Connectors.Files;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Tests.Tools;

/// <summary>The workspace's .trash is the undo history: agents cannot write into it or take files out of it; only undo can.</summary>
public sealed class FileToolTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("meshclaw-files").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private ToolContext Context => new("tester", new RunId("run_t"), _workspace, TimeProvider.System);

    private static JsonElement Args(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task DeletedFile_CannotBeOverwrittenOrMovedInTheTrash_ButUndoPutsItBack()
    {
        File.WriteAllText(Path.Combine(_workspace, "report.txt"), "the original");
        var delete = new DeleteFileTool();
        var plan = await delete.PrepareAsync(Args(new { path = "report.txt" }), Context, default);
        await delete.InvokeAsync(Args(new { path = "report.txt" }), Context, default);
        var trashed = plan.Inverse!.Arguments.GetProperty("from").GetString()!;

        var write = await Assert.ThrowsAsync<ToolArgumentException>(() => new WriteFileTool().PrepareAsync(Args(new { path = trashed, content = "the agent's version" }), Context, default));
        var moveOut = await Assert.ThrowsAsync<ToolArgumentException>(() => new MoveFileTool().PrepareAsync(Args(new { from = trashed, to = "stolen.txt" }), Context, default));
        var moveIn = await Assert.ThrowsAsync<ToolArgumentException>(() =>
            new MoveFileTool().PrepareAsync(Args(new { from = "x.txt", to = ".trash/planted.txt" }), Context, default));
        var undo = await new MoveFileTool().InvokeAsync(plan.Inverse.Arguments, Context with { IsUndo = true }, default);

        Assert.Contains(".trash", write.Message, StringComparison.Ordinal);
        Assert.Contains("undo history", moveOut.Message, StringComparison.Ordinal);
        Assert.Contains("undo history", moveIn.Message, StringComparison.Ordinal);
        Assert.False(undo.IsError, undo.Content);
        Assert.Equal("the original", File.ReadAllText(Path.Combine(_workspace, "report.txt")));
    }
}
