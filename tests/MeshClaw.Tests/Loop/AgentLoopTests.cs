using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Tests.Loop;

public sealed class AgentLoopTests : IAsyncLifetime
{
    private TestMeshClaw _db = null!;

    public async Task InitializeAsync() => _db = await TestMeshClaw.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static AgentDefinition Agent(AgentBudget? budget = null, params string[] tools) => new()
    {
        Name = "tester",
        Instructions = "Test.",
        Tools = tools,
        Budget = budget ?? AgentBudget.Default,
        SourcePath = "tester.md",
    };

    private Task<RunRecord> RunAsync(AgentDefinition agent, IChatClient model, CancellationToken ct = default) =>
        _db.RunLoopAsync(new AgentRunRequest
        {
            Id = RunId.New(_db.Time),
            Agent = agent,
            Model = model,
            Tools = new ToolCatalog(BuiltInTools.All),
            Message = "go",
            Trigger = new RunTrigger(RunTriggerKind.Api),
            Workspace = _db.Folder,
        }, ct);

    [Fact]
    public async Task ModelThatNeverAnswers_StopsAtTheStepLimit()
    {
        var n = 0;
        var model = new TestChatClient((_, _, _) => Task.FromResult(TestChatClient.Call("time_now", new() { ["timezone"] = $"Etc/GMT+{++n % 12}" }, $"c{n}")));

        var run = await RunAsync(Agent(new AgentBudget { MaxSteps = 4 }, "time.read"), model);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("step limit", run.StatusReason, StringComparison.Ordinal);
        Assert.Equal(4, model.Calls);
        Assert.Equal(4, (await _db.Runs.GetAsync(run.Id, default))!.ToolCalls.Count);
    }

    [Fact]
    public async Task CancellationDuringTheModelCall_EndsTheRunCancelled_AndIsStored()
    {
        using var cancel = new CancellationTokenSource();
        var model = new TestChatClient(async (_, _, ct) =>
        {
            await cancel.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return TestChatClient.Text("never");
        });

        var run = await RunAsync(Agent(), model, ct: cancel.Token);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(RunStatus.Cancelled, (await _db.Runs.GetAsync(run.Id, default))!.Run.Status);
    }

    [Fact]
    public async Task AgentOverItsDailyBudget_IsStoppedBeforeAnyModelCall()
    {
        var model = new TestChatClient((_, _, _) => Task.FromResult(TestChatClient.Text("hi")));

        await _db.Ledger.RecordAsync(new UsageRecord
        {
            At = _db.Time.GetUtcNow(), Provider = "p", ModelName = "m", ModelId = "m", InputTokens = 900, OutputTokens = 100, Agent = "tester", RunId = "run_earlier",
        }, default);

        var run = await RunAsync(Agent(new AgentBudget { TokensPerDay = 1000 }), model);

        Assert.Equal(RunStatus.BudgetStopped, run.Status);
        Assert.Contains("per day", run.StatusReason, StringComparison.Ordinal);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task ModelError_FailsTheRunWithTheProvidersMessage()
    {
        var model = new TestChatClient((_, _, _) => throw new InvalidOperationException("model 'x' answered HTTP 400: context too long"));

        var run = await RunAsync(Agent(), model);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("context too long", run.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTool_IsDeniedAndTheRunGoesOn()
    {
        var model = new TestChatClient((_, call, _) => Task.FromResult(call == 1 ? TestChatClient.Call("rm_rf", new() { ["path"] = "/" }) : TestChatClient.Text("ok")));

        var run = await RunAsync(Agent(null, "time.read"), model);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var result = model.Requests[1].Last().Contents.OfType<FunctionResultContent>().Single();
        Assert.Contains("no tool named 'rm_rf'", result.Result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(ToolCallOutcome.Denied, (await _db.Runs.GetAsync(run.Id, default))!.ToolCalls.Single().Outcome);
    }

    [Fact]
    public async Task ToolArgumentsOfTheWrongType_AreReportedToTheModel()
    {
        var model = new TestChatClient((_, call, _) => Task.FromResult(call == 1 ? TestChatClient.Call("read_file", new() { ["path"] = 42 }) : TestChatClient.Text("ok")));

        var run = await RunAsync(Agent(null, "files.read"), model);

        var call = (await _db.Runs.GetAsync(run.Id, default))!.ToolCalls.Single();
        Assert.Equal(ToolCallOutcome.InvalidArguments, call.Outcome);
        Assert.Contains("'path' must be a string", call.Result, StringComparison.Ordinal);
    }
}
