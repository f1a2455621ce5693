using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Home;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Tools.Admin;

namespace MeshClaw.Tests.Tools;

/// <summary>The tools that change MeshClaw itself: the front-matter editor keeps the user's file, and undo restores what the call really replaced.</summary>
public sealed class AdminToolTests : IDisposable
{
    private readonly MeshClawHome _home = new(Directory.CreateTempSubdirectory("meshclaw-admin").FullName);

    public AdminToolTests() => _home.EnsureCreated();

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private ToolContext Context => new("admin", new RunId("run_t"), _home.WorkspaceOf("admin"), TimeProvider.System);

    [Fact]
    public void FrontMatterEditor_ReplacesOneFieldWithItsBlockList_KeepingCommentsAndOtherLines()
    {
        const string file = "---\r\nname: helper\r\n# who may do what\r\ntools:\r\n  - files.read\r\n  - time.read\r\nbudget:\r\n  tokens_per_run: 100\r\n---\r\nBody stays.\r\n";

        var edited = FrontMatterEditor.Set(file, "tools", "[\"files.*\"]");
        var parsed = AgentFileParser.Parse("helper.md", edited);

        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Errors));
        Assert.Equal(["files.*"], parsed.Agent!.Tools);
        Assert.Equal(100, parsed.Agent.Budget.TokensPerRun);
        Assert.Contains("# who may do what", edited, StringComparison.Ordinal);
        Assert.Contains("Body stays.", edited, StringComparison.Ordinal);
        Assert.DoesNotContain("time.read", edited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAgentTools_UndoneAfterAnEditInBetween_RestoresWhatTheCallReplaced()
    {
        var path = Path.Combine(_home.Agents, "helper.md");
        File.WriteAllText(path, "---\nname: helper\ntools: [time.read]\n---\nHelp.\n");
        var tool = AgentFieldTool.Grants(_home);
        var arguments = JsonSerializer.SerializeToElement(new { agent = "helper", value = (string[])["files.read"] });

        await tool.PrepareAsync(arguments, Context, default);
        File.WriteAllText(path, "---\nname: helper\ndescription: edited by the user meanwhile\ntools: [time.read]\n---\nHelp.\n");
        var result = await tool.InvokeAsync(arguments, Context, default);
        await new RestoreHomeFileTool(_home).InvokeAsync(result.Inverse!.Arguments, Context, default);

        Assert.Contains("edited by the user meanwhile", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Contains("tools: [time.read]", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
