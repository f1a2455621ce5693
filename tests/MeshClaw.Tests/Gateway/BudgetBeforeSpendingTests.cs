using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>Budgets hold before spending: an input that cannot fit is refused before it is sent, and an oversized body gets a readable 413.</summary>
public sealed class BudgetBeforeSpendingTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task MessageThatCannotFitTheRunsBudget_IsNeverSent_AndTheRunSaysWhyWithTheFigures()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Text("should never be asked"));
        await using var gateway = await InProcessGateway.StartAsync(_models,
            new Dictionary<string, string> { ["small"] = "model: main\nbudget:\n  tokens_per_run: 20000" });

        // About 250,000 tokens of text for an agent allowed 20,000 per run.
        var run = await gateway.RunAsync("small", new string('x', 1_000_000));

        Assert.Equal(RunStatus.BudgetStopped, run.Status);
        Assert.Contains("its next model call would send about 250", run.Reason, StringComparison.Ordinal);
        Assert.Contains("so it was not sent); its budget is 20000 tokens per run", run.Reason, StringComparison.Ordinal);
        Assert.Empty(_models.Requests);
    }

    [Fact]
    public async Task BodyLargerThanTheGatewayTakes_IsAReadable413()
    {
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["small"] = "model: main" });
        using var client = gateway.ApiClient();
        // As curl does for a large body: its length up front and "Expect: 100-continue", so the gateway can refuse it
        // before it is sent. (Streamed without a length, the refusal can only come after 30 MiB, and a client still
        // sending when the gateway closes the connection may see a reset instead of the answer: HTTP/1.1, not MeshClaw.)
        client.DefaultRequestHeaders.ExpectContinue = true;
        using var body = new StringContent(JsonSerializer.Serialize(new StartRunBody("small", new string('x', 31 * 1024 * 1024)), ApiJson.Options), Encoding.UTF8, "application/json");

        using var answer = await client.PostAsync(new Uri("api/runs", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Contains("larger than the gateway takes", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_models.Requests);
    }
}
