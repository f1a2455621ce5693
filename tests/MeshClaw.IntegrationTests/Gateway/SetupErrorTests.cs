using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>What a user sees when their agents or config are wrong.</summary>
public sealed class SetupErrorTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task BadAgentFile_IsReportedWithFileLineAndField_AndTheOthersStillRun()
    {
        _home.OpenAIModel("main", _server.OpenAIBaseUrl, "scripted-main")
            .Agent("good")
            .RawAgentFile("broken.md", "---\nname: broken\nbudget:\n  tokens_per_run: lots\n---\nInstructions.\n")
            .RawAgentFile("nofront.md", "Just some text without front matter.\n");
        _server.For("scripted-main").Reply(ScriptedReply.Text("the good one answers"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var list = await gateway.CliAsync("agents", "list");
        var validate = await gateway.CliAsync("agents", "validate");
        var good = await gateway.CliAsync("run", "good", "-m", "hi");
        var broken = await gateway.CliAsync("run", "broken", "-m", "hi");

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("good", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("broken.md:4: budget.tokens_per_run: expected a positive number", list.Stderr, StringComparison.Ordinal);
        Assert.Contains("nofront.md:1: front matter:", validate.Stderr, StringComparison.Ordinal);
        Assert.Contains("3 file(s) checked: 1 agent(s) valid, 2 problem(s)", validate.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, validate.ExitCode);
        Assert.DoesNotContain("Unhandled exception", validate.Stderr, StringComparison.Ordinal);
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("the good one answers", good.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("agent 'broken' did not load", broken.Stderr, StringComparison.Ordinal);
        Assert.Contains("tokens_per_run", broken.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoModelConfigured_RunSaysHowToAddOne()
    {
        _home.Agent("lonely");
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var result = await gateway.CliAsync("run", "lonely", "-m", "hi");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no model is configured", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("config.json", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("No model is configured yet", await gateway.WaitForOutputAsync("No model is configured yet"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenConfig_StopsStartWithTheFieldNamed()
    {
        File.WriteAllText(Path.Combine(_home.Root, "config.json"), """{ "models": { "x": { "kind": "gpt", "model": "m" } } }""");

        var result = await MeshClawCli.RunAsync(_home.Root, ["up", "--port", "1"], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("models.x.kind: unknown kind 'gpt'", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenEditWhileRunning_IsNamedByTheCli_AndTheOldConfigKeepsAnswering()
    {
        _home.OpenAIModel("main", _server.OpenAIBaseUrl, "scripted-main").Agent("good");
        _server.For("scripted-main").Reply(ScriptedReply.Text("still here"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        File.WriteAllText(Path.Combine(_home.Root, "config.json"), "{\n  \"models\": {\n    \"main\": { \"kind\": \"gpt\" }\n  }\n}");

        var run = await gateway.CliAsync("run", "good", "-m", "hi");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("still here", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning: the last edit of config.json was refused, so MeshClaw keeps the configuration it had before: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("config.json:3: models.main.kind: unknown kind 'gpt'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AreStoredEncryptedAndNeverPrinted()
    {
        var set = await MeshClawCli.RunAsync(_home.Root, ["secrets", "set", "OPENAI_API_KEY"], stdin: "sk-very-secret-value\n");
        var list = await MeshClawCli.RunAsync(_home.Root, ["secrets", "list"]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("OPENAI_API_KEY", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-very-secret-value", set.Stdout + list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-very-secret-value", File.ReadAllText(Path.Combine(_home.Root, "secrets.json")), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home.Root, "secrets.json")));
    }
}
