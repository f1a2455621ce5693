using System.Diagnostics;
using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Bench;

/// <summary>
/// Policy decision time per tool call with 100 agents and 1,000 standing rules (the gate's rate check reads the
/// real journal), and audit append and verify speed for a large log.
/// </summary>
public static class SecurityBench
{
    public static async Task RunAsync(int auditRecords)
    {
        var folder = Path.Combine(Path.GetTempPath(), "meshclaw-secbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await using (var services = await BenchMeshClaw.CreateAsync(folder))
        {
            await PolicyAsync(services);
            await AuditAsync(services, auditRecords);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task PolicyAsync(IServiceProvider services)
    {
        Console.WriteLine("## Policy decision per tool call (100 agents, 1,000 standing rules, rate check against the journal)");
        var rules = services.GetRequiredService<IStandingRules>();
        var capabilities = new[] { "email.move", "email.send", "files.write", "slack.post", "shell.exec" };
        for (var i = 0; i < 1000; i++)
        {
            var match = JsonSerializer.SerializeToElement(new { from = $"sender{i}@example.com", folder = "Newsletters" });
            await rules.AddAsync(new StandingRule(0, $"agent-{i % 100}", capabilities[i % capabilities.Length], match, DateTimeOffset.UtcNow) { CreatedBy = "bench" }, CancellationToken.None);
        }

        var journal = services.GetRequiredService<IActionJournal>();
        for (var i = 0; i < 5000; i++)
        {
            await journal.RecordIntentAsync(new JournalEntry
            {
                Id = 0, RunId = "run_bench", Agent = $"agent-{i % 100}", Tool = "move", Capability = "email.move", Risk = ToolRisk.ReversibleWrite,
                Arguments = "{}", Status = JournalStatus.Done, At = DateTimeOffset.UtcNow,
            }, CancellationToken.None);
        }

        var gate = services.GetRequiredService<IToolCallGate>();
        var agents = Enumerable.Range(0, 100).Select(i => new AgentDefinition
        {
            Name = $"agent-{i}", Instructions = "x", SourcePath = "x.md", Tools = ["email.*", "files.*", "slack.post", "shell.exec"],
        }).ToArray();
        var tools = capabilities.Select(c => (IAgentTool)new BenchTool(c)).ToArray();
        var state = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        var latencies = new Dictionary<string, List<double>> { ["read"] = [], ["write (rate check + rules)"] = [], ["ask-by-default (rules)"] = [] };
        var random = new Random(42);
        for (var i = 0; i < 60_000; i++)
        {
            var agent = agents[random.Next(agents.Length)];
            var tool = tools[random.Next(tools.Length)];
            var args = JsonSerializer.SerializeToElement(new { from = $"sender{random.Next(2000)}@example.com", folder = "Newsletters" });
            var risk = tool.Capability switch { "email.move" or "files.write" => ToolRisk.ReversibleWrite, "email.send" or "slack.post" => ToolRisk.SendsOutside, _ => ToolRisk.ExecutesCode };
            if (i % 5 == 0)
            {
                risk = ToolRisk.Read;
            }

            var start = Stopwatch.GetTimestamp();
            await gate.DecideAsync(new ToolCallRequest(agent, new RunId("run_x"), tool, args, new ToolCallPlan(risk), state), CancellationToken.None);
            var us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (i < 5000)
            {
                continue; // warm-up
            }

            latencies[risk == ToolRisk.Read ? "read" : risk == ToolRisk.ReversibleWrite ? "write (rate check + rules)" : "ask-by-default (rules)"].Add(us);
        }

        foreach (var (kind, values) in latencies)
        {
            Console.WriteLine($"{kind}: {Stats.Describe(values, "µs")}");
        }
    }

    private static async Task AuditAsync(IServiceProvider services, int records)
    {
        Console.WriteLine($"## Audit log (keyed chain, redacted): append and verify {records:N0} records");
        var audit = services.GetRequiredService<IAuditLog>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < records; i++)
        {
            await audit.AppendAsync(new AuditEvent("policy.decision", "agent:inbox", "run_01m8bench", new { tool = "move_mail", verdict = "allow", i }), CancellationToken.None);
        }

        var append = clock.Elapsed;
        Console.WriteLine($"append: {records / append.TotalSeconds:N0} records/s ({append.TotalMicroseconds / records:0.0} µs each, one transaction per record)");
        clock.Restart();
        var result = await services.GetRequiredService<IAuditReader>().VerifyAsync(null, CancellationToken.None);
        Console.WriteLine($"verify: {clock.Elapsed.TotalSeconds:0.00} s for {result.Records:N0} records ({result.Records / clock.Elapsed.TotalSeconds:N0} records/s), intact={result.Intact}");
    }

    private sealed class BenchTool(string capability) : IAgentTool
    {
        public string Name => capability.Replace('.', '_');
        public string Capability => capability;
        public ToolRisk Risk => ToolRisk.ReversibleWrite;
        public string Description => capability;
        public JsonElement ParametersSchema => default;
        public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) => Task.FromResult(new ToolResult(""));
    }
}
