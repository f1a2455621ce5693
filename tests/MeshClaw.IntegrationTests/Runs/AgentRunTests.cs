using System.Text.Json;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Runs;

/// <summary>Runs through `meshclaw run` against a real gateway and the scripted model server.</summary>
public sealed class AgentRunTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    private readonly ScriptedModelServer _server = fixture.Server;
    private readonly GatewayProcess _gateway = fixture.Gateway;

    [Fact]
    public async Task ToolCallingAcrossSeveralSteps_RecordsEveryCallAndFeedsResultsBack()
    {
        File.WriteAllText(Path.Combine(fixture.Home.Workspace("steps"), "notes.txt"), "hello from the notes");
        _server.For("scripted-steps")
            .Reply(ScriptedReply.ToolCall("time_now", "{}"))
            .Reply(ScriptedReply.ToolCall("read_file", """{"path":"notes.txt"}"""))
            .Reply(ScriptedReply.Text("The notes say hello."));

        var result = await _gateway.CliAsync("run", "steps", "--message", "What do my notes say?", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = RunJson.Parse<RunView>(result);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("The notes say hello.", run.Answer);
        Assert.Equal(["time_now", "read_file"], run.ToolCalls!.Select(c => c.Tool));
        Assert.All(run.ToolCalls!, c => Assert.Equal(ToolCallOutcome.Succeeded, c.Outcome));
        Assert.Equal(3, run.Usage.ModelCalls);
        Assert.Equal(30, run.Usage.InputTokens);
        Assert.Equal(15, run.Usage.OutputTokens);
        Assert.Equal(0.06m, run.Usage.Cost);

        var requests = _server.Requests.Where(r => r.Model == "scripted-steps").ToList();
        Assert.Equal(3, requests.Count);
        Assert.Equal(["read_file", "time_now"], requests[0].ToolNames().Order());
        var fedBack = requests[2].LastUserOrToolContent();
        Assert.Contains("hello from the notes", fedBack, StringComparison.Ordinal);
        Assert.Matches("<untrusted-data-[0-9a-f]{10} source=\"tool:read_file\">", fedBack);
    }

    [Fact]
    public async Task ToolOutsideTheGrants_IsDeniedAndTheModelIsTold()
    {
        _server.For("scripted-readonly")
            .Reply(ScriptedReply.ToolCall("read_file", """{"path":"secret.txt"}"""))
            .Reply(ScriptedReply.Text("I may not read files."));

        var result = await _gateway.CliAsync("run", "readonly", "-m", "read secret.txt", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var call = Assert.Single(run.ToolCalls!);
        Assert.Equal(ToolCallOutcome.Denied, call.Outcome);
        var requests = _server.Requests.Where(r => r.Model == "scripted-readonly").ToList();
        Assert.Empty(requests[0].ToolNames());
        Assert.Contains("denied", requests[1].LastUserOrToolContent(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicModel_CallsToolsAndAnswers()
    {
        _server.For("scripted-claude")
            .Reply(ScriptedReply.ToolCall("time_now", """{"timezone":"UTC"}""", inputTokens: 40, outputTokens: 8))
            .Reply(ScriptedReply.Text("It is morning in UTC.", inputTokens: 60, outputTokens: 6));

        var result = await _gateway.CliAsync("run", "claude", "-m", "what time is it?", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.True(run.Status == RunStatus.Succeeded, result.ToString());
        Assert.Equal("It is morning in UTC.", run.Answer);
        Assert.Contains("UTC", Assert.Single(run.ToolCalls!).Result, StringComparison.Ordinal);
        Assert.Equal(100, run.Usage.InputTokens);
        Assert.All(_server.Requests.Where(r => r.Model == "scripted-claude"), r => Assert.Equal("anthropic", r.Protocol));
    }

    [Fact]
    public async Task FailingModel_FailsOverToTheNextInTheChain()
    {
        _server.For("scripted-primary").ReplyAlways(ScriptedReply.HttpError(500, "primary is down"));
        _server.For("scripted-backup").Reply(ScriptedReply.Text("answered by the backup"));

        var result = await _gateway.CliAsync("run", "failover", "-m", "hello", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.True(run.Status == RunStatus.Succeeded, result.ToString());
        Assert.Equal("answered by the backup", run.Answer);
        // 500 is transient: the primary is retried (2 retries) before the chain moves on.
        Assert.Equal(3, _server.For("scripted-primary").RequestCount);
        var usage = RunJson.Parse<UsageReport>(await _gateway.CliAsync("usage", "--json"));
        var primary = Assert.Single(usage.ByAgentAndModel, t => t.Model == "scripted-primary");
        Assert.Equal(3, primary.FailedCalls);
        Assert.Single(usage.ByAgentAndModel, t => t.Model == "scripted-backup" && t.Agent == "failover" && t.FailedCalls == 0);
    }

    [Fact]
    public async Task RateLimitWithRetryAfter_IsWaitedOutThenRetried()
    {
        _server.For("scripted-429")
            .Reply(ScriptedReply.HttpError(429, "slow down", retryAfterSeconds: 1))
            .Reply(ScriptedReply.Text("after waiting"));

        var result = await _gateway.CliAsync("run", "ratelimited", "-m", "hello", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.True(run.Status == RunStatus.Succeeded, result.ToString());
        var requests = _server.Requests.Where(r => r.Model == "scripted-429").ToList();
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950),
            $"the retry came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the 429; Retry-After asked for 1 s");
    }

    [Fact]
    public async Task MalformedToolArguments_AreReportedToTheModelWhichRetries()
    {
        File.WriteAllText(Path.Combine(fixture.Home.Workspace("malformed"), "a.txt"), "content of a");
        _server.For("scripted-malformed")
            .Reply(ScriptedReply.ToolCall("read_file", """{"path": """))
            .Reply(ScriptedReply.ToolCall("read_file", """{"path":"a.txt"}"""))
            .Reply(ScriptedReply.Text("done"));

        var result = await _gateway.CliAsync("run", "malformed", "-m", "read a.txt", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.True(run.Status == RunStatus.Succeeded, result.ToString());
        Assert.Equal([ToolCallOutcome.InvalidArguments, ToolCallOutcome.Succeeded], run.ToolCalls!.Select(c => c.Outcome));
        var told = _server.Requests.Where(r => r.Model == "scripted-malformed").ElementAt(1).LastUserOrToolContent();
        Assert.Contains("not a valid JSON object", told, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelThatKeepsSendingMalformedArguments_FailsTheRunWithAClearReason()
    {
        _server.For("scripted-malformed-always").ReplyAlways(ScriptedReply.ToolCall("read_file", "{not json"));

        var result = await _gateway.CliAsync("run", "malformed-always", "-m", "read", "--json");

        Assert.Equal(1, result.ExitCode);
        var run = RunJson.Parse<RunView>(result);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("malformed arguments", run.Reason, StringComparison.Ordinal);
        Assert.Equal(3, _server.For("scripted-malformed-always").RequestCount);
    }

    [Fact]
    public async Task SameToolCallRepeated_IsStoppedAsALoop()
    {
        _server.For("scripted-loop").ReplyAlways(ScriptedReply.ToolCall("time_now", """{"timezone":"UTC"}"""));

        var result = await _gateway.CliAsync("run", "looper", "-m", "what time is it", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("loop detected", run.Reason, StringComparison.Ordinal);
        Assert.Equal(2, run.ToolCalls!.Count);
        Assert.Equal(3, _server.For("scripted-loop").RequestCount);
    }

    [Fact]
    public async Task RunOverItsTokenBudget_IsBudgetStopped()
    {
        _server.For("scripted-budget").ReplyAlways(ScriptedReply.ToolCall("time_now", "{}").WithUsage(80, 30));

        var result = await _gateway.CliAsync("run", "budgeted", "-m", "spend", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.Equal(RunStatus.BudgetStopped, run.Status);
        Assert.Contains("budget is 100 tokens per run", run.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _server.For("scripted-budget").RequestCount);
        Assert.Empty(run.ToolCalls!);
    }

    [Fact]
    public async Task ProviderWithoutUsage_IsMeteredWithAMarkedEstimate()
    {
        _server.For("scripted-estimate").Reply(ScriptedReply.Text("an answer of some length, for estimating").WithoutUsage());

        var run = RunJson.Parse<RunView>(await _gateway.CliAsync("run", "estimate", "-m", "estimate me", "--json"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.Usage.InputTokens > 0 && run.Usage.OutputTokens > 0, $"estimated usage was {run.Usage}");
        var usage = RunJson.Parse<UsageReport>(await _gateway.CliAsync("usage", "--json"));
        Assert.Equal(1, Assert.Single(usage.ByAgentAndModel, t => t.Agent == "estimate").EstimatedCalls);
    }

    [Fact]
    public async Task RunsShow_PrintsTranscriptAndToolCalls()
    {
        _server.For("scripted-steps")
            .Reply(ScriptedReply.ToolCall("time_now", "{}"))
            .Reply(ScriptedReply.Text("shown"));
        var run = RunJson.Parse<RunView>(await _gateway.CliAsync("run", "steps", "-m", "show me", "--json"));

        var shown = await _gateway.CliAsync("runs", "show", run.Id);
        var listed = await _gateway.CliAsync("runs", "list", "--json");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("user: show me", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("tool time_now({}) succeeded", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("assistant: shown", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains(RunJson.Parse<List<RunView>>(listed), r => r.Id == run.Id && r.Status == RunStatus.Succeeded);
    }

    [Fact]
    public async Task Usage_GroupsByModelDayAndTrigger_AndItsCsvAddsUpToTheLedger()
    {
        _server.For("scripted-usage").Reply(ScriptedReply.Text("counted", inputTokens: 40, outputTokens: 2));
        var counted = RunJson.Parse<RunView>(await _gateway.CliAsync("run", "counter", "-m", "count me", "--json"));

        var byModel = RunJson.Parse<UsageReport>(await _gateway.CliAsync("usage", "--by", "model", "--since", "1d", "--json"));
        var byDay = RunJson.Parse<UsageReport>(await _gateway.CliAsync("usage", "--by", "day", "--since", "1d", "--json"));
        var byTrigger = RunJson.Parse<UsageReport>(await _gateway.CliAsync("usage", "--by", "trigger", "--json"));
        var csv = await _gateway.CliAsync("usage", "--by", "model", "--since", "1d", "--csv");
        var bad = await _gateway.CliAsync("usage", "--since", "last tuesday");

        Assert.Contains(byModel.ByAgentAndModel, t => t.Key == "scripted-usage");
        // The day the run's call was made, not the day the assertion runs (a run may straddle midnight).
        Assert.Contains(byDay.ByAgentAndModel, t => t.Key == counted.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(byTrigger.ByAgentAndModel, t => t.Key == "cli");
        var rows = csv.Stdout.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(byModel.TotalTokens, rows.Sum(r => long.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(byModel.TotalCost, rows.Sum(r => decimal.Parse(r[8], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--since 'last tuesday'", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunId_GivesAClearError()
    {
        var shown = await _gateway.CliAsync("runs", "show", "run_nope");

        Assert.Equal(1, shown.ExitCode);
        Assert.Contains("no run with id 'run_nope'", shown.Stderr, StringComparison.Ordinal);
    }
}
