using System.Collections.Concurrent;
using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Budgets;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Lifecycle;

/// <summary>
/// One run in flight, as a procedure sees it: its request, security state and budget, its model (with the budget as
/// the outermost layer), and the one door to the world, <see cref="CallAsync(string, object, CancellationToken)"/>.
/// </summary>
public sealed class RunContext
{
    private const int StoredResultChars = 20_000;
    private readonly IRunStore _runs;
    private readonly ToolCallExecutor _executor;
    private readonly TimeProvider _time;
    private int _seq;
    private int _procedureCalls;

    internal RunContext(AgentRunRequest request, RunSecurityState security, RunBudget budget, IRunStore runs, ToolCallExecutor executor, TimeProvider time)
    {
        Request = request;
        Security = security;
        Budget = budget;
        Model = new BudgetChatClient(request.Model, budget);
        _runs = runs;
        _executor = executor;
        _time = time;
    }

    public AgentRunRequest Request { get; }
    public RunId Id => Request.Id;
    public AgentDefinition Agent => Request.Agent;
    public RunSecurityState Security { get; }
    public RunBudget Budget { get; }
    /// <summary>What the run's own model calls used so far.</summary>
    public RunUsage Usage => Budget.Own;
    /// <summary>The agent's model pipeline with the run's budget in front of it: every call is checked and charged.</summary>
    public IChatClient Model { get; }
    public ISecretRedactor Redactor => Request.Redactor;
    public TimeProvider Time => _time;
    /// <summary>State tools keep for the length of this run.</summary>
    public ConcurrentDictionary<string, object> Items { get; } = new(StringComparer.Ordinal);
    /// <summary>Says what the run had done when it stops early (appended to the stop reason), e.g. "filed 12 of 40".</summary>
    public Func<string>? Progress { get; set; }

    /// <summary>The sequence number of the run's transcript entries and tool calls, restored from a checkpoint on resume.</summary>
    public int Seq
    {
        get => _seq;
        set => _seq = value;
    }

    public int NextSeq() => Interlocked.Increment(ref _seq);

    public Task TranscriptAsync(string role, string content) =>
        _runs.AppendTranscriptAsync(Id, new TranscriptEntry(NextSeq(), role, Redactor.Redact(content), _time.GetUtcNow()), CancellationToken.None);

    /// <summary>Whether the agent is granted a tool (the executor checks again on every call; this only saves asking in vain).</summary>
    public bool IsGranted(string tool) => Request.Tools.Find(tool) is { } t && ToolCatalog.IsGranted(t, Agent.Tools);

    /// <summary>The door for procedures: one tool call through the executor (grant, plan, gate, approval, journal, audit), recorded on the run.</summary>
    public Task<ToolExecutionResult> CallAsync(string tool, object arguments, CancellationToken cancellationToken)
    {
        var args = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions), AIJsonUtilities.DefaultOptions);
        var call = new FunctionCallContent($"{Request.Agent.Name}_{Interlocked.Increment(ref _procedureCalls)}", tool, args);
        return CallAsync(call, new StatusHooks(_runs, Id), null, cancellationToken);
    }

    /// <summary>The door for the agent loop: the model's call, with hooks that checkpoint the run when it waits for approval.</summary>
    public async Task<ToolExecutionResult> CallAsync(FunctionCallContent call, IApprovalWaitHooks hooks, string? awaitApprovalId, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var result = await _executor.ExecuteAsync(new ToolExecution(this, call, hooks, awaitApprovalId), cancellationToken);
        var stored = result.Result.Length > StoredResultChars
            ? result.Result[..StoredResultChars] + $"\n[stored cut at {StoredResultChars} of {result.Result.Length} characters]"
            : result.Result;
        var record = new ToolCallRecord(NextSeq(), call.CallId, call.Name, result.ArgumentsJson, result.Outcome, stored,
            _time.GetElapsedTime(started).TotalMilliseconds, _time.GetUtcNow());
        await _runs.RecordToolCallAsync(Id, record, CancellationToken.None);
        await Request.Observer.OnToolCallAsync(record, cancellationToken);
        return result;
    }

    /// <summary>Saves the state a parked run resumes from, and marks the run waiting for approval.</summary>
    public async Task SaveCheckpointAsync(string checkpointJson)
    {
        await _runs.SaveCheckpointAsync(Id, checkpointJson, CancellationToken.None);
        await _runs.SetStatusAsync(Id, RunStatus.WaitingApproval, CancellationToken.None);
    }

    public Task MarkRunningAsync() => _runs.SetStatusAsync(Id, RunStatus.Running, CancellationToken.None);

    /// <summary>What a tool sees of the run.</summary>
    internal ToolContext ToolContext() => new(Agent.Name, Id, Request.Workspace, _time)
    {
        Trigger = Request.Trigger,
        Taint = Security.TaintSources,
        Definition = Agent,
        Security = Security,
        Budget = Budget,
        Subagents = Request.Subagents,
        RunItems = Items,
    };

    /// <summary>A procedure's held call marks the run waiting, and running again once answered.</summary>
    private sealed class StatusHooks(IRunStore runs, RunId run) : IApprovalWaitHooks
    {
        public Task ParkingAsync(string approvalId, CancellationToken cancellationToken) => runs.SetStatusAsync(run, RunStatus.WaitingApproval, CancellationToken.None);

        public Task ResumedAsync(CancellationToken cancellationToken) => runs.SetStatusAsync(run, RunStatus.Running, CancellationToken.None);
    }
}
