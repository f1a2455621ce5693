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
    public async Task SetAgentBudget_UndoneAfterAnEditInBetween_RestoresWhatTheCallReplaced()
    {
        var path = Path.Combine(_home.Agents, "helper.md");
        File.WriteAllText(path, "---\nname: helper\ntools: [time.read]\nbudget:\n  tokens_per_run: 1000\n---\nHelp.\n");
        var tool = AgentFieldTool.Budget(_home);
        var arguments = JsonSerializer.SerializeToElement(new { agent = "helper", value = new { tokens_per_run = 500 } });

        await tool.PrepareAsync(arguments, Context, default);
        File.WriteAllText(path, "---\nname: helper\ndescription: edited by the user meanwhile\ntools: [time.read]\nbudget:\n  tokens_per_run: 1000\n---\nHelp.\n");
        var result = await tool.InvokeAsync(arguments, Context, default);
        await new RestoreHomeFileTool(_home).InvokeAsync(result.Inverse!.Arguments, Context with { IsUndo = true }, default);

        Assert.Contains("edited by the user meanwhile", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Contains("tokens_per_run: 1000", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"tokens_per_run\": 500}", ToolRisk.ReversibleWrite)]
    [InlineData("{\"tokens_per_run\": 1000, \"cost_per_day\": 1}", ToolRisk.ReversibleWrite)]
    [InlineData("{\"tokens_per_run\": 1000, \"max_steps\": 4}", ToolRisk.ReversibleWrite)]
    [InlineData("{\"tokens_per_run\": 1001}", ToolRisk.ChangesMeshClaw)]
    [InlineData("{\"cost_per_day\": 1}", ToolRisk.ChangesMeshClaw)]
    [InlineData("{\"tokens_per_run\": 10, \"max_steps\": 50}", ToolRisk.ChangesMeshClaw)]
    public async Task SetAgentBudget_OnlyTighteningIsAnOrdinaryWrite(string budget, ToolRisk expected)
    {
        File.WriteAllText(Path.Combine(_home.Agents, "helper.md"), "---\nname: helper\ntools: [time.read]\nbudget:\n  tokens_per_run: 1000\n---\nHelp.\n");
        var arguments = JsonSerializer.SerializeToElement(new { agent = "helper", value = JsonDocument.Parse(budget).RootElement });

        var plan = await AgentFieldTool.Budget(_home).PrepareAsync(arguments, Context, default);

        Assert.Equal(expected, plan.Risk);
        Assert.Null(plan.Forbidden);
    }

    [Theory]
    [InlineData("[{\"cron\":\"0 6 * * *\"}]", ToolRisk.ReversibleWrite)]
    [InlineData("[]", ToolRisk.ReversibleWrite)]
    [InlineData("[{\"cron\":\"0 6 * * *\"},{\"interval\":\"1m\"}]", ToolRisk.ChangesMeshClaw)]
    [InlineData("[{\"cron\":\"0 5 * * *\"}]", ToolRisk.ChangesMeshClaw)]
    public async Task SetAgentTriggers_OnlyRemovingIsAnOrdinaryWrite(string triggers, ToolRisk expected)
    {
        File.WriteAllText(Path.Combine(_home.Agents, "helper.md"), "---\nname: helper\ntools: [time.read]\ntriggers:\n  - cron: \"0 6 * * *\"\n  - interval: 1h\n---\nHelp.\n");
        var arguments = JsonSerializer.SerializeToElement(new { agent = "helper", value = JsonDocument.Parse(triggers).RootElement });

        var plan = await AgentFieldTool.Schedule(_home).PrepareAsync(arguments, Context, default);

        Assert.Equal(expected, plan.Risk);
    }

    [Theory]
    [InlineData("policy.bulkLimitPerRun", "100000", true)]
    [InlineData("policy", "{}", true)]
    [InlineData("audit.enabled", "false", true)]
    [InlineData("shell.allow", "[\"bash\"]", true)]
    [InlineData("web.allowDomains", "[\"evil.example\"]", true)]
    [InlineData("bind", "\"0.0.0.0\"", true)]
    [InlineData("telemetry", "{}", true)]
    [InlineData("defaultModel", "\"local\"", false)]
    [InlineData("timeZone", "\"Europe/Berlin\"", false)]
    public async Task UpdateConfig_PolicyAuditAllowListsAndConnections_AreNeverAnAgentsToChange(string path, string value, bool forbidden)
    {
        File.WriteAllText(_home.ConfigFile, "{\"models\":{\"local\":{\"kind\":\"openai-compatible\",\"baseUrl\":\"http://127.0.0.1:1/v1\",\"model\":\"m\"}}}");
        var arguments = JsonSerializer.SerializeToElement(new { path, value = JsonDocument.Parse(value).RootElement });

        ToolCallPlan plan;
        try
        {
            plan = await new UpdateConfigTool(_home).PrepareAsync(arguments, Context, default);
        }
        catch (ToolArgumentException) when (forbidden)
        {
            return; // Refused as an invalid config is refused too: it never lands.
        }

        Assert.Equal(forbidden, plan.Forbidden is not null);
        Assert.Equal(ToolRisk.ChangesMeshClaw, plan.Risk);
    }

    [Fact]
    public async Task RestoreHomeFile_IsTheUndosOnly()
    {
        var arguments = JsonSerializer.SerializeToElement(new { file = "config.json", content = "{}" });

        var byAgent = await new RestoreHomeFileTool(_home).PrepareAsync(arguments, Context, default);
        var byUndo = await new RestoreHomeFileTool(_home).PrepareAsync(arguments, Context with { IsUndo = true }, default);

        Assert.NotNull(byAgent.Forbidden);
        Assert.Null(byUndo.Forbidden);
    }
}
