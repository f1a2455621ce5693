using System.Diagnostics;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;
using MeshClaw.Core.Usage;
using MeshClaw.Models;
using MeshClaw.Models.Config;
using MeshClaw.Models.Providers;
using MeshClaw.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Bench;

/// <summary>
/// The agent loop's own cost per turn (a model call plus its tool call), with the model's time taken out:
/// (run wall time − time inside the model pipeline) / model calls. Runs write to a real SQLite database.
/// Measured with a zero-latency in-process model and with the scripted model server over HTTP (full pipeline:
/// OpenAI SDK, metering, retry, timeout), for 1 and for 100 concurrent runs.
/// </summary>
public static class LoopBench
{
    private const int TurnsPerRun = 5;

    public static async Task RunAsync()
    {
        Console.WriteLine($"## Agent loop overhead per turn ({TurnsPerRun} turns per run, each a model call and a time_now tool call)");
        var folder = Path.Combine(Path.GetTempPath(), "meshclaw-loopbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await using var services = await BenchMeshClaw.CreateAsync(folder, s => s.AddSingleton(new AgentLoopOptions { MaxIdenticalToolCalls = 1000 }));
        var lifecycle = services.GetRequiredService<RunLifecycle>();
        var loop = services.Loop();
        var ledger = services.GetRequiredService<IUsageLedger>();
        var agent = new AgentDefinition
        {
            Name = "bench",
            Instructions = "You are a benchmark.",
            Tools = ["time.read"],
            Budget = new AgentBudget { MaxSteps = TurnsPerRun },
            SourcePath = "bench.md",
        };
        var tools = new ToolCatalog(BuiltInTools.All);

        var instant = new InstantChatClient();
        await MeasureAsync("zero-latency in-process model", lifecycle, loop, agent, tools, folder, () => instant, concurrency: 1, rounds: 200);
        await MeasureAsync("zero-latency in-process model", lifecycle, loop, agent, tools, folder, () => instant, concurrency: 100, rounds: 5);

        await using var server = await ScriptedModelServer.StartAsync();
        server.For("bench-model").ReplyAlways(ScriptedReply.ToolCall("time_now", "{}"));
        var model = new ModelDefinition { Name = "scripted", Kind = ModelKind.OpenAICompatible, ModelId = "bench-model", BaseUrl = server.OpenAIBaseUrl };
        using var providers = new ProviderClientFactory(new NoSecrets(), TimeProvider.System);
        var pipeline = new ModelPipeline(new Dictionary<string, ModelDefinition> { ["scripted"] = model }, providers, ledger, PriceTable.Empty, TimeProvider.System, NullLoggerFactory.Instance);
        var client = pipeline.For("scripted", []);
        await MeasureAsync("scripted model server over HTTP", lifecycle, loop, agent, tools, folder, () => client, concurrency: 1, rounds: 100);
        await MeasureAsync("scripted model server over HTTP", lifecycle, loop, agent, tools, folder, () => client, concurrency: 100, rounds: 3);
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task MeasureAsync(string label, RunLifecycle lifecycle, IRunProcedure loop, AgentDefinition agent, ToolCatalog tools, string workspace,
        Func<IChatClient> model, int concurrency, int rounds)
    {
        // One unmeasured round warms the JIT, the connection pools and SQLite's page cache.
        await RoundAsync(lifecycle, loop, agent, tools, workspace, model, concurrency);
        var overheadMs = new List<double>();
        var turns = 0;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            var results = await RoundAsync(lifecycle, loop, agent, tools, workspace, model, concurrency);
            overheadMs.AddRange(results.Select(r => r.OverheadPerTurnMs));
            turns += results.Sum(r => r.Turns);
        }

        var throughput = turns / wall.Elapsed.TotalSeconds;
        Console.WriteLine($"{label}, {concurrency} concurrent run(s): overhead per turn {Stats.Describe(overheadMs, "ms")}; {throughput:0} turns/s overall");
    }

    private static async Task<(double OverheadPerTurnMs, int Turns)[]> RoundAsync(RunLifecycle lifecycle, IRunProcedure loop, AgentDefinition agent, ToolCatalog tools, string workspace,
        Func<IChatClient> model, int concurrency) =>
        // Task.Run puts every run on the thread pool at once: SQLite calls are synchronous underneath, and
        // without it the runs would simply take turns.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var timed = new TimedChatClient(model());
            var clock = Stopwatch.StartNew();
            var run = await lifecycle.RunAsync(new AgentRunRequest
            {
                Id = RunId.New(TimeProvider.System),
                Agent = agent,
                Model = timed,
                Tools = tools,
                Message = "What time is it?",
                Trigger = new RunTrigger(RunTriggerKind.Api, "bench"),
                Workspace = workspace,
            }, loop, CancellationToken.None);
            if (timed.Calls != TurnsPerRun || run.Status != RunStatus.Failed)
            {
                throw new InvalidOperationException($"bench run ended {run.Status} after {timed.Calls} model calls: {run.StatusReason}");
            }

            return ((clock.Elapsed - timed.ModelTime).TotalMilliseconds / timed.Calls, timed.Calls);
        })));

    private sealed class NoSecrets : ISecretStore
    {
        public string? Get(string name) => null;
        public void Set(string name, string value) => throw new NotSupportedException();
        public bool Remove(string name) => false;
        public IReadOnlyList<string> Names() => [];
        public long Version => 0;
    }
}
