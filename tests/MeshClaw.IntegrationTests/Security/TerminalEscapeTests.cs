using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Security;

/// <summary>
/// A model's words (its answer, a tool name it invents) reach the user's terminal without escape sequences or
/// bidirectional overrides: a right-to-left override cannot make a name read backwards, an escape cannot clear the screen.
/// </summary>
public sealed class TerminalEscapeTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync()
    {
        _models = await ScriptedModelServer.StartAsync();
        _home.OpenAIModel("talker", _models.OpenAIBaseUrl, "talker-model").Agent("talker", "model: talker\ntools: []");
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task ModelText_WithOverridesAndEscapes_IsPrintedNeutralised()
    {
        _models.For("talker-model")
            .Reply(ScriptedReply.ToolCall("read\u202etxt.exe", "{}"))
            .Reply(ScriptedReply.Text("done \u202eexe.txt\u001b[2J\u2066x\u2069"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var result = await gateway.CliAsync("run", "talker", "-m", "hello");

        var printed = result.Stdout + result.Stderr;
        Assert.Contains("done ?exe.txt?[2J?x?", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(printed.ToCharArray(), c => c is '\u202e' or '\u001b' or '\u2066' or '\u2069');
    }
}
