using System.Net;
using System.Net.Http.Json;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>Starting, stopping, killing and restarting the gateway; access control.</summary>
public sealed class GatewayLifecycleTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedModelServer.StartAsync();
        _home.OpenAIModel("main", _server.OpenAIBaseUrl, "scripted-main").Agent("helper", "tools: [time.read]");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task Api_RefusesRequestsWithoutTheRightToken_ButHealthIsOpen()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var wrong = new HttpClient { BaseAddress = gateway.BaseUrl };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "mc_not-the-token");
        using var right = gateway.AuthorizedClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("health", UriKind.Relative))).StatusCode);
        foreach (var path in new[] { "api/runs", "api/agents", "api/usage", "api/runs/run_x" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }

        var post = await anonymous.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", "hi"));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Empty(_server.Requests);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync(new Uri("api/runs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task CliWithAWrongToken_SaysTheTokenWasRefused()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        var info = MeshClawCli.StartInfo(_home.Root, ["runs", "list", "--url", gateway.BaseUrl.ToString()]);
        info.Environment["MESHCLAW_TOKEN"] = "mc_wrong";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("refused the access token", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_KeepsRunsAndUsage_AndDoesNotShowTheTokenAgain()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Text("remember me", inputTokens: 12, outputTokens: 4));
        var first = await GatewayProcess.StartAsync(_home.Root);
        Assert.Contains("Access token (shown once", await first.WaitForOutputAsync("Access token (shown once"), StringComparison.Ordinal);
        var run = RunJson.Parse<RunView>(await first.CliAsync("run", "helper", "-m", "hello", "--json"));
        var usageBefore = RunJson.Parse<UsageReport>(await first.CliAsync("usage", "--json"));
        Assert.Equal(0, await first.StopAsync());
        Assert.False(File.Exists(Path.Combine(_home.Root, "gateway.json")), "a stopped gateway leaves no gateway.json behind");
        await first.DisposeAsync();

        await using var second = await GatewayProcess.StartAsync(_home.Root);
        var shown = RunJson.Parse<RunView>(await second.CliAsync("runs", "show", run.Id, "--json"));
        var usageAfter = RunJson.Parse<UsageReport>(await second.CliAsync("usage", "--json"));

        Assert.Equal(RunStatus.Succeeded, shown.Status);
        Assert.Equal("remember me", shown.Answer);
        Assert.Equal(16, shown.Usage.TotalTokens);
        Assert.Equal(usageBefore.TotalTokens, usageAfter.TotalTokens);
        Assert.Equal(usageBefore.TotalCost, usageAfter.TotalCost);
        Assert.DoesNotContain("Access token", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillNineDuringARun_LeavesTheRunMarkedInterruptedAfterRestart()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Delay(TimeSpan.FromMinutes(5), ScriptedReply.Text("too late")));
        var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", "slow question"), ApiJson.Options);
        await _server.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));

        await gateway.KillHardAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => pending);
        await gateway.DisposeAsync();
        await using var restarted = await GatewayProcess.StartAsync(_home.Root);

        Assert.Contains("1 run(s) were interrupted", await restarted.WaitForOutputAsync("1 run(s) were interrupted"), StringComparison.Ordinal);
        var runs = RunJson.Parse<List<RunView>>(await restarted.CliAsync("runs", "list", "--json"));
        var run = Assert.Single(runs);
        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Equal("slow question", run.Input);
        Assert.Contains("gateway stopped", run.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayKilledWhileTheCliWatchesARun_TheCliSaysItStoppedMidRun()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Delay(TimeSpan.FromMinutes(5), ScriptedReply.Text("too late")));
        var gateway = await GatewayProcess.StartAsync(_home.Root);
        var watching = gateway.CliAsync("run", "helper", "-m", "slow question");
        await _server.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));

        await gateway.KillHardAsync();
        var result = await watching;
        await gateway.DisposeAsync();

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("stopped mid-run", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("marked interrupted when the gateway starts again", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondGatewayOnTheSameHome_RefusesToStart_AndLeavesTheFirstOnesRunAlone()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.For("scripted-main").Reply(ScriptedReply.After(release.Task, ScriptedReply.Text("finished undisturbed")));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", "a question in flight"), ApiJson.Options);
        await _server.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));

        var second = await MeshClawCli.RunAsync(_home.Root, ["up", "--port", gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        release.SetResult();
        var run = (await (await pending).Content.ReadFromJsonAsync<RunView>(ApiJson.Options))!;
        var status = await gateway.CliAsync("status");

        Assert.Equal(4, second.ExitCode);
        Assert.Contains($"another MeshClaw gateway is already running on {_home.Root} (pid ", second.Stdout + second.Stderr, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("finished undisturbed", run.Answer);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(File.Exists(Path.Combine(_home.Root, "gateway.json")), "the refused gateway deleted the running one's gateway.json");
    }

    [Fact]
    public async Task Status_NeverDescribesAnotherHomesGateway_OnThisHomesPort()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var other = new TestHome();
        other.Config("port", System.Text.Json.Nodes.JsonValue.Create(gateway.Port));

        var status = await MeshClawCli.RunAsync(other.Root, ["status"]);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains($"serves another home folder, not {other.Root}", status.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenShowAndRotate_OnARunningGateway_TheOldTokenStopsWorkingAtOnce()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var before = gateway.AuthorizedClient();
        var shown = await MeshClawCli.RunAsync(_home.Root, ["token", "show"]);

        var rotated = await MeshClawCli.RunAsync(_home.Root, ["token", "rotate"]);
        var newToken = rotated.Stdout.Split('\n')[0].Trim();
        using var after = new HttpClient { BaseAddress = gateway.BaseUrl };
        after.DefaultRequestHeaders.Authorization = new("Bearer", newToken);
        // The gateway's secrets store looks at its file at most every 50 ms: wait for the new token to be seen, with a deadline.
        using var answer = await Eventually.GetAsync(async () => await after.GetAsync(new Uri("api/runs", UriKind.Relative)) is { StatusCode: HttpStatusCode.OK } ok ? ok : null,
            TimeSpan.FromSeconds(10), "the gateway to accept the rotated token");
        var old = await before.GetAsync(new Uri("api/runs", UriKind.Relative));
        var cli = await gateway.CliAsync("runs", "list");
        // The CLI appended to the audit log beside the running gateway: the gateway's own records chain on after it.
        var stopped = await gateway.StopAsync();
        var verify = await MeshClawCli.RunAsync(_home.Root, ["audit", "verify"]);

        Assert.True(stopped == 0, gateway.Output);
        Assert.DoesNotContain("Unhandled exception", gateway.Output, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal(before.DefaultRequestHeaders.Authorization!.Parameter, shown.Stdout.Trim());
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.StartsWith("mc_", newToken, StringComparison.Ordinal);
        Assert.NotEqual(before.DefaultRequestHeaders.Authorization!.Parameter, newToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.True(cli.ExitCode == 0, cli.ToString());
    }

    [Fact]
    public async Task BusyPortOnTheFirstStart_IsOneLine_AndTheNewTokenIsShownAnyway()
    {
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var up = await MeshClawCli.RunAsync(_home.Root, ["up", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var shown = await MeshClawCli.RunAsync(_home.Root, ["token", "show"]);
        var output = up.Stdout + up.Stderr;

        Assert.Equal(3, up.ExitCode);
        Assert.Contains($"error: cannot listen on 127.0.0.1:{port}: address 127.0.0.1:{port} is already in use", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains($"your access token was created: {shown.Stdout.Trim()}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermDuringARun_CancelsItAndRecordsIt_ThenExitsCleanly()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Delay(TimeSpan.FromMinutes(5), ScriptedReply.Text("too late")));
        var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", "slow question"), ApiJson.Options);
        await _server.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));

        Assert.Equal(0, await gateway.StopAsync());
        try
        {
            await pending;
        }
        catch (HttpRequestException)
        {
            // The connection may close before the answer is written; the record is what counts.
        }

        await gateway.DisposeAsync();
        await using var restarted = await GatewayProcess.StartAsync(_home.Root);
        var run = Assert.Single(RunJson.Parse<List<RunView>>(await restarted.CliAsync("runs", "list", "--json")));
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.DoesNotContain("interrupted", restarted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TelemetryExport_SendsGenAiMetricsAsAggregates_OnlyWhenConfigured()
    {
        await using var collector = await RequestSink.StartAsync();
        _home.Config("telemetry", new System.Text.Json.Nodes.JsonObject { ["otlpEndpoint"] = collector.BaseUrl.ToString(), ["intervalSeconds"] = 1 });
        _server.For("scripted-main").Reply(ScriptedReply.Text("the quarterly plan stays between us", inputTokens: 77, outputTokens: 7));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        await gateway.CliAsync("run", "helper", "-m", "tell me the secret plan");
        var body = await Eventually.GetAsync(() => Task.FromResult(collector.Bodies.Select(b => System.Text.Encoding.UTF8.GetString(b))
            .FirstOrDefault(t => t.Contains("gen_ai.client.token.usage", StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "an OTLP metrics export with gen_ai.client.token.usage");

        Assert.Contains("POST /v1/metrics", collector.Requests);
        Assert.Contains("gen_ai.client.operation.duration", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret plan", body, StringComparison.Ordinal);
        Assert.DoesNotContain("quarterly plan", body, StringComparison.Ordinal);
        Assert.DoesNotContain("helper", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_FromTheCli_IsRecordedOnTheOutcome()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Text("forty-two"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        await gateway.CliAsync("run", "helper", "-m", "what is the answer?");

        var outcome = Assert.Single(RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--json")));
        var marked = await gateway.CliAsync("feedback", outcome.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "useful");
        var wrong = await gateway.CliAsync("feedback", outcome.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "meh");

        Assert.Equal("question.answered", outcome.Kind);
        Assert.True(marked.ExitCode == 0, marked.ToString());
        Assert.Equal("useful", Assert.Single(RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--json"))).Feedback);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("verdict is useful, not-useful, accepted or discarded", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliWithoutAGateway_SaysHowToStartIt()
    {
        var result = await MeshClawCli.RunAsync(_home.Root, ["status", "--url", "http://127.0.0.1:9"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("the gateway is not running", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("meshclaw up", result.Stderr, StringComparison.Ordinal);
    }
}
