using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;
using MeshClaw.Testing.Demo;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>
/// A new user's first minutes: <c>meshclaw init</c> against the model stub finds it, tries it for real, writes the
/// first agent, and the README's first question is answered; a model that cannot call tools is never saved.
/// </summary>
public sealed class InitTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "meshclaw-init-" + Guid.NewGuid().ToString("N")[..12]);
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedModelServer.StartAsync();
        _server.For(DemoModel.Name).ReplyBy(DemoModel.Answer);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task Init_FindsTheStub_ChecksIt_WritesTheAgent_AndTheFirstQuestionIsAnswered()
    {
        var init = await MeshClawCli.RunAsync(_home, ["init", "--scan", _server.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--yes"]);

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains($"found a model server at {_server.OpenAIBaseUrl} serving demo", init.Stdout, StringComparison.Ordinal);
        Assert.Contains("called a tool: it can work for an agent", init.Stdout, StringComparison.Ordinal);
        Assert.Contains("connect email later with: ./meshclaw connect email", init.Stdout, StringComparison.Ordinal);
        Assert.Contains("doctor: ", init.Stdout, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.Body.Length > 0 && r.ToolNames().Contains("get_current_time"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_home, "config.json")))!;
        Assert.Equal("local", config["defaultModel"]!.GetValue<string>());
        Assert.Equal("demo", config["models"]!["local"]!["model"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_home, "agents", "helper.md")));
        Assert.True(File.Exists(Path.Combine(_home, "workspaces", "helper", "notes.txt")));

        await using var gateway = await GatewayProcess.StartAsync(_home);
        var run = await gateway.CliAsync("run", "helper", "-m", "What does notes.txt say, and what day is it today?");
        var piped = await gateway.CliWithInputAsync("Read notes.txt please", "run", "helper", "-m", "-");
        var validate = await gateway.CliAsync("agents", "validate");
        var usage = await gateway.CliAsync("usage", "--by", "agent", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Ship the release on Friday.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("time_now:", run.Stdout, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Contains("Ship the release on Friday.", piped.Stdout, StringComparison.Ordinal);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        // The check's own calls are metered like any other, attributed to init.
        Assert.Contains("\"init\"", usage.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelThatCannotCallTools_IsNotSaved_AndInitSaysWhy()
    {
        _server.For("chatty").ReplyAlways(ScriptedReply.Text("ready"));

        var init = await MeshClawCli.RunAsync(_home, ["init", "--model-url", _server.OpenAIBaseUrl.ToString(), "--model", "chatty", "--yes"]);

        Assert.Equal(1, init.ExitCode);
        Assert.Contains("model 'chatty' answers but cannot call tools", init.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", init.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home, "config.json")));
        Assert.False(File.Exists(Path.Combine(_home, "agents", "helper.md")));
    }

    [Fact]
    public async Task NoServerAnswering_SaysWhereItLookedAndWhatToStart()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var init = await MeshClawCli.RunAsync(_home, ["init", "--scan", closed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--yes"]);

        Assert.Equal(1, init.ExitCode);
        Assert.Contains($"no model server answers on 127.0.0.1 ports {closed}", init.Stderr, StringComparison.Ordinal);
        Assert.Contains("scripts/model-stub", init.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", init.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithoutAMessage_SaysHowToGiveOne()
    {
        var run = await MeshClawCli.RunAsync(_home, ["run", "helper"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("give the message once: -m TEXT, -m - (standard input) or --message-file FILE", run.Stderr, StringComparison.Ordinal);
    }
}
