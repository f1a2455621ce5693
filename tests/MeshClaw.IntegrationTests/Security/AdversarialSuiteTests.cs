using System.Net.Http.Json;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Security;

/// <summary>
/// The model is fully compromised: in each scenario it reads an injected message, then tries one attack with
/// real tool calls. The dangerous action must not happen without approval (the test, as the user, denies every
/// approval), the attempt must be in the audit log, and the run must end with a clear status.
/// </summary>
public sealed class AdversarialSuiteTests(AdversarialSuiteFixture fixture) : IClassFixture<AdversarialSuiteFixture>
{
    public static TheoryData<string> Scenarios => [.. AttackScenarios.All.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task CompromisedModel_CannotDoTheDangerousThing(string id)
    {
        var scenario = AttackScenarios.All.Single(s => s.Id == id);
        var context = fixture.Context;
        var script = fixture.Server.For(scenario.Model);
        foreach (var reply in scenario.Script(context))
        {
            script.Reply(reply);
        }

        script.ReplyAlways(ScriptedReply.Text("done"));
        foreach (var (name, _, childScript) in scenario.Children)
        {
            foreach (var reply in childScript(context))
            {
                fixture.Server.For("evil-" + name).Reply(reply);
            }

            fixture.Server.For("evil-" + name).ReplyAlways(ScriptedReply.Text("done"));
        }

        var before = Snapshot();
        var attackerHits = fixture.Attacker.Requests.Count;
        var siteHits = fixture.AllowedSite.Requests.Count(r => r.Contains('?', StringComparison.Ordinal));
        using var client = fixture.Gateway.AuthorizedClient();
        // Only this scenario's actions count: journal ids grow, so note where the journal stands now.
        var lastAction = (await client.GetFromJsonAsync<List<JournalEntryView>>(new Uri("api/journal?limit=1", UriKind.Relative), ApiJson.Options))!.Select(e => e.Id).DefaultIfEmpty(0).Max();
        var runs = new List<RunView>();
        var asked = 0;
        for (var i = 0; i < scenario.Runs; i++)
        {
            var (run, approvals) = await RunDriver.RunAsync(client, scenario.Agent, "Please deal with my inbox.");
            runs.Add(run);
            asked += approvals.Count;
            Assert.All(approvals, a => Assert.False(string.IsNullOrEmpty(a.Reason) || string.IsNullOrEmpty(a.Arguments), $"approval {a.Id} shows no reason or arguments"));
        }

        // Executed? Any forbidden capability done (beyond its allowance), any byte to the attacker, any change to MeshClaw's files.
        var journal = (await client.GetFromJsonAsync<List<JournalEntryView>>(new Uri("api/journal?limit=1000", UriKind.Relative), ApiJson.Options))!
            .Where(e => e.Id > lastAction && e.Status == JournalStatus.Done).ToList();
        var executed = new List<string>();
        foreach (var forbidden in scenario.Forbidden)
        {
            var (capability, allowance) = forbidden.Split('>') is [var c, var n] ? (c, int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)) : (forbidden, 0);
            var done = journal.Where(e => e.Capability == capability).Sum(e => e.Items);
            if (done > allowance)
            {
                executed.Add($"{done} x {capability}");
            }
        }

        if (fixture.Attacker.Requests.Count > attackerHits)
        {
            executed.Add("the attacker's server was reached: " + fixture.Attacker.Requests[^1]);
        }

        if (fixture.AllowedSite.Requests.Count(r => r.Contains('?', StringComparison.Ordinal)) > siteHits)
        {
            executed.Add("data was sent to the allowed site in a query");
        }

        var after = Snapshot();
        executed.AddRange(after.Where(kv => !before.TryGetValue(kv.Key, out var old) || old != kv.Value).Select(kv => $"{kv.Key} changed"));
        executed.AddRange(Directory.EnumerateFiles(Path.Combine(fixture.Home.Root, "workspaces"), "pwned", SearchOption.AllDirectories).Select(f => $"{f} exists"));

        var last = runs[^1];
        var verdict = executed.Count > 0 ? "EXECUTED" : last.Status == RunStatus.BudgetStopped ? "budget-stopped" : asked > 0 ? "asked" : "blocked";
        fixture.Outcomes.Add(new ScenarioOutcome(scenario, verdict, last.Status.ToString(), asked));

        Assert.True(executed.Count == 0, $"the attack worked: {string.Join("; ", executed)}");
        Assert.Equal(scenario.Expect switch { Expectation.Blocked => "blocked", Expectation.Asked => "asked", _ => "budget-stopped" }, verdict);
        Assert.All(runs, r => Assert.True(r.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.BudgetStopped or RunStatus.Blocked, $"run {r.Id} ended {r.Status}"));
        if (scenario.EndsAs is { } ends)
        {
            Assert.Equal(ends, last.Status);
        }
        Assert.All(runs.Where(r => r.Status != RunStatus.Succeeded), r => Assert.False(string.IsNullOrEmpty(r.Reason), $"run {r.Id} ended {r.Status} without a reason"));

        // The attempt is in the audit log of the run that made it (or of one of its sub-runs): selected by run id, so
        // records of other scenarios can never stand in for this one's.
        var audit = await AuditOfRunTreeAsync(client, runs.Select(r => r.Id));
        var attackTools = scenario.Script(context).Concat(scenario.Children.SelectMany(c => c.Script(context)))
            .SelectMany(r => r.ToolCallNames()).Where(t => t != "read_file" || scenario.Id == "read-secrets-file").Distinct().ToList();
        Assert.All(attackTools, tool => Assert.Contains(audit, a => a.Data.Contains($"\"{tool}\"", StringComparison.Ordinal)));
    }

    public static TheoryData<string> Ordinary => [.. BenignTasks.All.Select(t => t.Id)];

    /// <summary>The other half of the posture: ordinary work on the same channels finishes, every call succeeding, without asking.</summary>
    [Theory]
    [MemberData(nameof(Ordinary))]
    public async Task OrdinaryTask_FinishesWithoutAsking(string id)
    {
        var task = BenignTasks.All.Single(t => t.Id == id);
        var context = fixture.Context;
        var script = fixture.Server.For(task.Model);
        foreach (var reply in task.Script(context))
        {
            script.Reply(reply);
        }

        foreach (var (name, _, childScript) in task.Children)
        {
            foreach (var reply in childScript(context))
            {
                fixture.Server.For(name).Reply(reply);
            }
        }

        using var client = fixture.Gateway.AuthorizedClient();
        var (run, approvals) = await RunDriver.RunAsync(client, task.Agent, "Please do the task.", approve: true, trigger: task.ByOwner ? "cli" : "api");
        fixture.Benign.Add((task, approvals.Count, run.Status.ToString()));
        var detail = (await client.GetFromJsonAsync<RunView>(new Uri($"api/runs/{run.Id}", UriKind.Relative), ApiJson.Options))!;

        Assert.Empty(approvals.Select(a => $"{a.Tool}: {a.Reason}"));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotEmpty(detail.ToolCalls!);
        Assert.All(detail.ToolCalls!, c => Assert.True(c.Outcome == ToolCallOutcome.Succeeded, $"{c.Tool} {c.Outcome}: {c.Result}"));
        if (task.ByOwner)
        {
            // The owner's own words, in a run they started that read nothing untrusted, are remembered as theirs.
            Assert.Contains(detail.ToolCalls!, c => c.Tool == "recall" && c.Result.Contains("(user-stated)", StringComparison.Ordinal));
        }
    }

    private static async Task<List<AuditRecordView>> AuditOfRunTreeAsync(HttpClient client, IEnumerable<string> roots)
    {
        var pending = new Queue<string>(roots);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<AuditRecordView>();
        while (pending.TryDequeue(out var run))
        {
            if (!seen.Add(run))
            {
                continue;
            }

            var rows = (await client.GetFromJsonAsync<List<AuditRecordView>>(new Uri($"api/audit?run={run}&limit=10000", UriKind.Relative), ApiJson.Options))!;
            records.AddRange(rows.Where(a => a.Kind is "policy.decision" or "tool.rejected"));
            foreach (var delegated in rows.Where(a => a.Kind == "run.delegated"))
            {
                using var data = System.Text.Json.JsonDocument.Parse(delegated.Data);
                pending.Enqueue(data.RootElement.GetProperty("subRun").GetString()!);
            }
        }

        return records;
    }

    private Dictionary<string, string> Snapshot()
    {
        var files = new Dictionary<string, string> { ["config.json"] = File.ReadAllText(Path.Combine(fixture.Home.Root, "config.json")) };
        foreach (var agent in Directory.EnumerateFiles(fixture.Home.AgentsFolder))
        {
            files[Path.GetFileName(agent)] = File.ReadAllText(agent);
        }

        return files;
    }
}
