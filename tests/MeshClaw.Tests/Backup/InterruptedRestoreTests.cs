using System.Net.Http.Json;
using MeshClaw.Host.Api;
using MeshClaw.Host.Backup;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Backup;

/// <summary>A restore killed after its plan was written is finished by the next start of the gateway, before anything reads the home.</summary>
public sealed class InterruptedRestoreTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task Up_FinishesAnInterruptedRestore_AndServesTheRestoredAgents()
    {
        string? aside = null;
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["before"] = "" }, beforeStart: home =>
        {
            // As a restore leaves the home when killed right after writing its plan: nothing moved yet.
            var staging = Path.Combine(home.Root, ".restore-1");
            aside = Path.Combine(home.Root, "before-restore-1");
            Directory.CreateDirectory(Path.Combine(staging, "agents"));
            File.WriteAllText(Path.Combine(staging, "agents", "restored.md"), "---\nname: restored\ndescription: from the backup\n---\nHello.\n");
            RestoreJournal.Begin(home, new RestoreJournal.Plan(staging, aside, ["agents"], ["agents"]));
        });
        using var client = gateway.ApiClient();

        var agents = await client.GetFromJsonAsync<AgentListView>(new Uri("api/agents", UriKind.Relative), ApiJson.Options);

        Assert.Equal(["restored"], agents!.Agents.Select(a => a.Name));
        Assert.True(File.Exists(Path.Combine(aside!, "agents", "before.md")), "the agent the home held before was not kept aside");
        Assert.False(File.Exists(RestoreJournal.MarkerOf(gateway.Home)));
    }
}
