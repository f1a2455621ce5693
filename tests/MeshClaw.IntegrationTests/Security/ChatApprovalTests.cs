using System.Net.Http.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Security;

/// <summary>Answering a held call from <c>meshclaw chat</c>, and from <c>meshclaw approvals</c> after its run ended, against a real gateway.</summary>
public sealed class ChatApprovalTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedModelServer.StartAsync();
        _home.OpenAIModel("main", _server.OpenAIBaseUrl, "scripted-main").Agent("worker", "tools: [shell.exec]");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    private string Workspace => _home.Workspace("worker");

    private static async Task<Approval> PendingApprovalAsync(HttpClient client) =>
        await Eventually.GetAsync(async () => (await client.GetFromJsonAsync<List<Approval>>(new Uri("api/approvals", UriKind.Relative), ApiJson.Options))!.FirstOrDefault(),
            TimeSpan.FromSeconds(30), "a pending approval");

    [Fact]
    public async Task ChatAsked_AnswersYesNoAndAlways_Inline_ThroughTheApi()
    {
        _server.For("scripted-main")
            .Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch one"}""")).Reply(ScriptedReply.Text("did one"))
            .Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch two"}""")).Reply(ScriptedReply.Text("was refused two"))
            .Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch three"}""")).Reply(ScriptedReply.Text("did three"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var chat = await gateway.CliWithInputAsync("make one\ny\nmake two\nn\nmake three\na\n", "chat", "worker", "--ask-approvals");
        var answered = RunJson.Parse<List<Approval>>(await gateway.CliAsync("approvals", "list", "--all", "--json")).OrderBy(a => a.CreatedAt).ToList();

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(chat.Stderr, @"approve\? \[y/N/a\(lways\)\]"));
        Assert.Equal([ApprovalStatus.Approved, ApprovalStatus.Denied, ApprovalStatus.Approved], answered.Select(a => a.Status));
        Assert.All(answered, a => Assert.StartsWith("user:meshclaw-cli", a.DecidedBy, StringComparison.Ordinal));
        Assert.NotNull(answered[2].StandingRuleId);
        Assert.Contains($"standing rule #{answered[2].StandingRuleId} created", chat.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Workspace, "one")));
        Assert.False(File.Exists(Path.Combine(Workspace, "two")), "the command ran although the answer was n");
        Assert.True(File.Exists(Path.Combine(Workspace, "three")));
        Assert.Contains("was refused two", chat.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipedChat_WithoutTheFlag_DoesNotAsk_TheCallWaitsForAnAnswerFromElsewhere()
    {
        _server.For("scripted-main")
            .Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch waited"}""")).Reply(ScriptedReply.Text("done after waiting"))
            .Reply(ScriptedReply.Text("you said y"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();

        // The 'y' after the message is the next chat message, not an answer: piped input is never taken for a decision.
        var chat = gateway.CliWithInputAsync("make the file\ny\n", "chat", "worker");
        var approval = await PendingApprovalAsync(client);
        var answer = await gateway.CliAsync("approvals", "approve", approval.Id);
        var result = await chat;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.DoesNotContain("approve? [", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"waiting for your approval {approval.Id}: run_command", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"answer with: meshclaw approvals approve|deny {approval.Id}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("done after waiting", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("you said y", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Approved, RunJson.Parse<Approval>(await gateway.CliAsync("approvals", "show", approval.Id, "--json")).Status);
    }

    [Fact]
    public async Task ApprovingFromTheCli_AfterTheRunWasCancelled_SaysTheRunEnded_InsteadOfApproved()
    {
        _server.For("scripted-main").Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch never"}""")).Reply(ScriptedReply.Text("unreachable"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        var run = gateway.CliAsync("run", "worker", "-m", "make the file", "--json");
        var approval = await PendingApprovalAsync(client);

        (await client.PostAsync(new Uri($"api/runs/{approval.RunId}/cancel", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var cancelled = await run;
        var answer = await gateway.CliAsync("approvals", "approve", approval.Id);

        Assert.Equal(RunStatus.Cancelled, RunJson.Parse<RunView>(cancelled).Status);
        Assert.Equal(1, answer.ExitCode);
        Assert.DoesNotContain("approved", answer.Stdout, StringComparison.Ordinal);
        Assert.Contains($"approval {approval.Id} was withdrawn: run {approval.RunId} ended cancelled before it was answered; nothing was done", answer.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Workspace, "never")));
    }
}
