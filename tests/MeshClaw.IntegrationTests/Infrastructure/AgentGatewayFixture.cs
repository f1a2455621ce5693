using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>
/// One scripted model server and one gateway shared by the agent-run tests. Each test uses its own agent
/// and scripted model id, so the scripts never cross.
/// </summary>
public sealed class AgentGatewayFixture : IAsyncLifetime
{
    public ScriptedModelServer Server { get; private set; } = null!;
    public TestHome Home { get; } = new();
    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ScriptedModelServer.StartAsync();
        var openai = Server.OpenAIBaseUrl;
        Home.OpenAIModel("steps", openai, "scripted-steps")
            .OpenAIModel("stream", openai, "scripted-stream")
            .AnthropicModel("claude", Server.AnthropicBaseUrl, "scripted-claude")
            .OpenAIModel("backup", openai, "scripted-backup")
            .OpenAIModel("primary", openai, "scripted-primary", "backup")
            .OpenAIModel("ratelimited", openai, "scripted-429")
            .OpenAIModel("malformed", openai, "scripted-malformed")
            .OpenAIModel("malformed-always", openai, "scripted-malformed-always")
            .OpenAIModel("looping", openai, "scripted-loop")
            .OpenAIModel("budget", openai, "scripted-budget")
            .OpenAIModel("readonly", openai, "scripted-readonly")
            .OpenAIModel("estimate", openai, "scripted-estimate")
            .OpenAIModel("usage", openai, "scripted-usage");
        Home.Agent("steps", "model: steps\ntools: [time.read, files.read]")
            .Agent("streamer", "model: stream")
            .Agent("claude", "model: claude\ntools: [time_now]")
            .Agent("failover", "model: primary")
            .Agent("ratelimited", "model: ratelimited")
            .Agent("malformed", "model: malformed\ntools: [files.read]")
            .Agent("malformed-always", "model: malformed-always\ntools: [files.read]")
            .Agent("looper", "model: looping\ntools: [time.read]")
            .Agent("budgeted", "model: budget\ntools: [time.read]\nbudget:\n  tokens_per_run: 100")
            .Agent("readonly", "model: readonly")
            .Agent("estimate", "model: estimate")
            .Agent("counter", "model: usage");
        Gateway = await GatewayProcess.StartAsync(Home.Root);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Server.DisposeAsync();
        Home.Dispose();
    }
}
