using System.Net.Http.Json;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Api;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Models;

/// <summary>A model call that runs out of time is recorded as a timeout in the usage ledger, not as "cancelled" or a bare failure.</summary>
public sealed class TimeoutUsageTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task ARunWhoseModelHangs_ItsUsageRowSaysTimeout_AndTheApiAndDashboardShowIt()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Delay(TimeSpan.FromMinutes(5), ScriptedReply.Text("too late")));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["worker"] = "model: main" }, timeoutSeconds: 1);

        var run = await gateway.RunAsync("worker", "hello");
        using var client = gateway.ApiClient();
        var calls = await client.GetFromJsonAsync<ModelCallView[]>(new Uri($"api/runs/{run.Id}/usage", UriKind.Relative), ApiJson.Options);
        using var browser = await gateway.DashboardClientAsync();
        var page = await browser.GetStringAsync(new Uri($"runs/{run.Id}", UriKind.Relative));

        Assert.Contains("gave no complete answer within 1 s", run.Reason, StringComparison.Ordinal);
        Assert.Contains("<td class=\"outcome\">timeout</td>", page, StringComparison.Ordinal);
        var call = Assert.Single(calls!);
        Assert.Equal(UsageOutcome.Timeout, call.Outcome);
        Assert.Equal("timeout: model 'main' gave no complete answer within 1 s", call.Error);
    }

    [Fact]
    public async Task ARunWhoseModelAnswersHtml_ItsReasonSaysSo_AndItsUsageRowSaysFailed()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Raw("<html><body>Proxy login</body></html>"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["worker"] = "model: main" });

        var run = await gateway.RunAsync("worker", "hello");
        using var client = gateway.ApiClient();
        var calls = await client.GetFromJsonAsync<ModelCallView[]>(new Uri($"api/runs/{run.Id}/usage", UriKind.Relative), ApiJson.Options);

        Assert.Contains($"model 'main' at {_models.BaseUrl.GetLeftPart(UriPartial.Authority)} returned HTML, not JSON: <html><body>Proxy login</body></html>", run.Reason, StringComparison.Ordinal);
        Assert.Equal(UsageOutcome.Failed, Assert.Single(calls!).Outcome);
    }
}
