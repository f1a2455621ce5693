using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Tools;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>
/// The hourly rate limit counts what the journal recorded in the last hour on MeshClaw's clock: the window slides with
/// the (fake) time, and the writes of a run that happened count, whatever the run's own bulk count says.
/// </summary>
public sealed class RateWindowTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task RateLimit_CountsTheJournalsLastHour_AndTheWindowSlidesWithTheClock()
    {
        _models.For("scripted-main")
            .Reply(ScriptedReply.ToolCall("write_file", """{"path":"a.txt","content":"1"}"""))
            .Reply(ScriptedReply.ToolCall("write_file", """{"path":"b.txt","content":"2"}"""))
            .Reply(ScriptedReply.Text("done"));
        var policy = new JsonObject { ["policy"] = new JsonObject { ["ratePerHour"] = 2 } };
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["writer"] = "model: main\ntools: [files.write]" }, policy);
        var run = await gateway.RunAsync("writer", "write two files");
        var tool = gateway.Get<ToolCatalogProvider>().Current().Find("write_file")!;

        var third = await DecideAsync(gateway, tool);
        gateway.Time.Advance(TimeSpan.FromMinutes(59));
        var stillInTheHour = await DecideAsync(gateway, tool);
        gateway.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var anHourLater = await DecideAsync(gateway, tool);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(PolicyVerdict.Ask, third.Verdict);
        Assert.Contains("rate limit: 3 items with files.write in the last hour", third.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Ask, stillInTheHour.Verdict);
        Assert.Equal(PolicyVerdict.Allow, anHourLater.Verdict);
    }

    /// <summary>What the gate says to one more write by the agent, in a fresh autonomous run.</summary>
    private static async Task<PolicyDecision> DecideAsync(InProcessGateway gateway, IAgentTool tool)
    {
        var agent = new AgentDefinition { Name = "writer", Instructions = "", SourcePath = "writer.md", Tools = ["files.write"] };
        var request = new ToolCallRequest(agent, new RunId("run_next"), tool, JsonSerializer.SerializeToElement(new { path = "c.txt", content = "3" }),
            new ToolCallPlan(ToolRisk.ReversibleWrite), new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule)));
        return await gateway.Get<IToolCallGate>().DecideAsync(request, default);
    }
}
