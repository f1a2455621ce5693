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
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(chat.Stderr, @"approve\? \[y/N, or allow like calls for r\(un\) h\(our\) t\(oday\) a\(lways\)\]"));
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
    public async Task ChatOnATerminal_AsksWithoutTheFlag()
    {
        _server.For("scripted-main").Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch on-a-tty"}""")).Reply(ScriptedReply.Text("did it on a tty"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        // util-linux script(1) gives the CLI a pseudo-terminal, as a user's shell would; its own stdin stays ours to type into.
        var cli = MeshClawCli.StartInfo(_home.Root, ["chat", "worker", "--url", gateway.BaseUrl.ToString()]);
        var line = string.Join(' ', new[] { cli.FileName }.Concat(cli.ArgumentList).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var info = new System.Diagnostics.ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-q", "-e", "-c", line, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("MESHCLAW_HOME");
        info.Environment.Remove("MESHCLAW_TOKEN");
        using var process = System.Diagnostics.Process.Start(info)!;
        var screen = new System.Text.StringBuilder();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        async Task UntilAsync(string text)
        {
            var buffer = new char[4096];
            while (!screen.ToString().Contains(text, StringComparison.Ordinal))
            {
                int read;
                try
                {
                    read = await process.StandardOutput.ReadAsync(buffer, limit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"waited 60 s for the terminal to show '{text}'; it showed:\n{screen}");
                }

                if (read == 0)
                {
                    throw new InvalidOperationException($"the terminal closed before showing '{text}':\n{screen}");
                }

                screen.Append(buffer, 0, read);
            }
        }

        await process.StandardInput.WriteAsync("make the file\n");
        await process.StandardInput.FlushAsync();
        await UntilAsync("approve? [y/N, or allow like calls for r(un) h(our) t(oday) a(lways)]");
        await process.StandardInput.WriteAsync("y\n");
        await process.StandardInput.FlushAsync();
        await UntilAsync("did it on a tty");
        await process.StandardInput.WriteAsync("/exit\n");
        await process.StandardInput.FlushAsync();
        await process.WaitForExitAsync(limit.Token);

        Assert.True(process.ExitCode == 0, screen.ToString());
        Assert.True(File.Exists(Path.Combine(Workspace, "on-a-tty")));
        Assert.Equal(ApprovalStatus.Approved, Assert.Single(RunJson.Parse<List<Approval>>(await gateway.CliAsync("approvals", "list", "--all", "--json"))).Status);
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
