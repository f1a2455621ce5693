using MeshClaw.Core.Runs;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>A refused edit of config.json is shown where the user looks, while the previous configuration stays in force.</summary>
public sealed class ConfigRefusedTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task BrokenEdit_IsNamedOnTheDashboardWithItsLine_TheOldConfigKeepsWorking_AndTheNoticeGoesWhenFixed()
    {
        _models.For("scripted-main").Reply(ScriptedReply.Text("still answering"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["worker"] = "model: main" });
        var good = await File.ReadAllTextAsync(gateway.Home.ConfigFile);
        using var dashboard = await gateway.DashboardClientAsync();

        await File.WriteAllTextAsync(gateway.Home.ConfigFile, "{\n  \"port\": 1,\n  \"models\": {,\n}");
        var refused = await dashboard.GetStringAsync(new Uri("/", UriKind.Relative));
        var run = await gateway.RunAsync("worker", "are you there?");
        await File.WriteAllTextAsync(gateway.Home.ConfigFile, good);
        var fixedAgain = await dashboard.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("The last edit of config.json was refused, so MeshClaw keeps the configuration it had before", refused, StringComparison.Ordinal);
        Assert.Contains($"{gateway.Home.ConfigFile}:3: invalid JSON", refused, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("still answering", run.Answer);
        Assert.DoesNotContain("was refused", fixedAgain, StringComparison.Ordinal);
    }
}
