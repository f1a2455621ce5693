using System.Collections.Concurrent;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Approvals;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Home;
using MeshClaw.Host.Inbox;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Tools;
using MeshClaw.Host.Tools.Delegation;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Insights;
using MeshClaw.Storage.Triage;
using MeshClaw.Storage.Journal;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Runs;

/// <summary>
/// Starts runs for every trigger: resolves the agent, its model pipeline, tools and policy from the current
/// configuration, runs the loop, and keeps track of runs in flight so they can be cancelled one by one, all at
/// once (pause, shutdown), or resumed after a restart when they were parked on an approval.
/// </summary>
public sealed class RunCoordinator(
    MeshClawHome home,
    ConfigSource config,
    IRunStore runs,
    IUsageLedger ledger,
    IAuditLog audit,
    ApprovalBroker approvals,
    SqliteActionJournal journal,
    SqliteStandingRules rules,
    PauseSwitch pause,
    RedactorSource redactors,
    ToolCatalogFactory toolFactory,
    HomeChangeAuditor changes,
    InboxTriage triage,
    SqliteInsights insights,
    SqliteTriageStore outcomes,
    TimeProvider time,
    ILogger<RunCoordinator> logger) : ISubagentRunner, IDisposable
{
    private const int MaxSubagentDepth = 3;
    private readonly ConcurrentDictionary<RunId, (CancellationTokenSource Cancel, bool Interactive)> _active = new();
    private readonly ConcurrentDictionary<RunId, int> _depth = new();
    private readonly ConcurrentDictionary<RunId, IRunObserver> _observers = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Task> _resumed = [];

    public int ActiveCount => _active.Count;

    /// <summary>Resolves everything the run needs; throws <see cref="RunStartException"/> when it cannot start.</summary>
    public async Task<AgentRunRequest> PrepareAsync(string agentName, string message, RunTrigger trigger, string? session, bool stream, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            throw new RunStartException(400, "the message is empty");
        }

        await changes.CheckAsync(cancellationToken);
        var agent = FindAgent(agentName);
        if (pause.IsPaused && !new RunSecurityState(trigger).Interactive)
        {
            throw new RunStartException(409, "MeshClaw is paused: autonomous runs are held until 'meshclaw resume'");
        }

        return await BuildRequestAsync(agent, message, trigger, session, stream, null, cancellationToken);
    }

    private AgentDefinition FindAgent(string agentName)
    {
        var catalog = AgentCatalog.Load(home.Agents);
        if (catalog.Find(agentName) is { } agent)
        {
            return agent;
        }

        var broken = catalog.Errors.Where(e => Path.GetFileNameWithoutExtension(e.File) == agentName).ToList();
        throw new RunStartException(404, broken.Count > 0
            ? $"agent '{agentName}' did not load: {string.Join("; ", broken)}"
            : $"no agent named '{agentName}' in {home.Agents} (agents: {string.Join(", ", catalog.Agents.Select(a => a.Name).Order())})");
    }

    private async Task<AgentRunRequest> BuildRequestAsync(AgentDefinition agent, string message, RunTrigger trigger, string? session, bool stream,
        IReadOnlyList<string>? inheritedTaint, CancellationToken cancellationToken)
    {
        var (settings, pipeline) = config.Current();
        var model = agent.Model ?? settings.DefaultModel
            ?? throw new RunStartException(409, $"no model is configured: declare one under \"models\" in {home.ConfigFile} (kind openai-compatible with baseUrl and model, or anthropic), then run again");
        Microsoft.Extensions.AI.IChatClient client;
        try
        {
            client = pipeline.For(model, agent.Fallbacks);
        }
        catch (InvalidOperationException ex)
        {
            throw new RunStartException(409, $"agent '{agent.Name}': {ex.Message}");
        }

        var workspace = home.WorkspaceOf(agent.Name);
        Directory.CreateDirectory(workspace);
        var history = session is null ? [] : await runs.SessionHistoryAsync(session, 20, cancellationToken);
        var dayStart = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(dayStart.Year, dayStart.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new AgentRunRequest
        {
            Id = RunId.New(time),
            Agent = agent,
            Model = client,
            Tools = toolFactory.Create(settings),
            Message = message,
            Trigger = trigger,
            Session = session,
            History = history,
            SpentToday = await ledger.SpentAsync(agent.Name, dayStart, cancellationToken),
            Overall = settings.Budgets,
            OverallSpentToday = settings.Budgets is null ? default : await insights.SpentAsync(dayStart, cancellationToken),
            OverallSpentMonth = settings.Budgets?.CostPerMonth is null ? 0m : (await insights.SpentAsync(monthStart, cancellationToken)).Cost,
            Workspace = workspace,
            Stream = stream,
            Redactor = redactors.Current(),
            // A chat turn inherits what earlier turns of the session read: their answers are in its context.
            InheritedTaint = [.. (inheritedTaint ?? []).Concat(history.SelectMany(h => h.Taint)).Distinct()],
            ShutdownToken = _shutdown.Token,
        };
    }

    private ToolCallExecutor CreateExecutor()
    {
        var (settings, _) = config.Current();
        return new ToolCallExecutor(new PolicyGate(settings.Policy, rules, pause, journal, time), approvals, journal, audit, time);
    }

    private AgentLoop CreateLoop() => new(runs, CreateExecutor(), audit, time, new AgentLoopOptions());

    /// <summary>Runs the agent: the agent loop, or for a built-in agent its own procedure (under the same executor and gate).</summary>
    public Task<RunRecord> RunAsync(AgentRunRequest request, CancellationToken cancellationToken) =>
        TrackAsync(request, cancel => request.Agent.Builtin switch
        {
            "inbox" => triage.RunAsync(request, CreateExecutor(), config.Current().Config.Email, cancel),
            null => RunLoopAsync(request, cancel),
            var other => throw new RunStartException(400, $"agent '{request.Agent.Name}' names an unknown built-in procedure '{other}' (known: inbox)"),
        }, cancellationToken);

    private async Task<RunRecord> TrackAsync(AgentRunRequest request, Func<CancellationToken, Task<RunRecord>> body, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        _active[request.Id] = (cancel, new RunSecurityState(request.Trigger).Interactive);
        _observers[request.Id] = request.Observer;
        try
        {
            return await body(cancel.Token);
        }
        finally
        {
            _active.TryRemove(request.Id, out _);
            _depth.TryRemove(request.Id, out _);
            _observers.TryRemove(request.Id, out _);
        }
    }

    public async Task<RunRecord> RunSubagentAsync(ToolContext parent, string agent, string message, CancellationToken cancellationToken)
    {
        var catalog = AgentCatalog.Load(home.Agents);
        var parentAgent = catalog.Find(parent.Agent) ?? throw new ToolArgumentException($"the calling agent '{parent.Agent}' no longer loads");
        if (!parentAgent.Subagents.Contains(agent))
        {
            throw new ToolArgumentException($"agent '{parent.Agent}' may not delegate to '{agent}' (its subagents: {string.Join(", ", parentAgent.Subagents)})");
        }

        var depth = _depth.GetValueOrDefault(parent.Run) + 1;
        if (depth > MaxSubagentDepth)
        {
            throw new ToolArgumentException($"sub-agents may nest at most {MaxSubagentDepth} deep");
        }

        var child = catalog.Find(agent) ?? throw new ToolArgumentException($"no agent named '{agent}'");
        var (settings, _) = config.Current();
        var tools = toolFactory.Create(settings);
        // The caller may itself be a narrowed sub-agent: narrow against the grants it runs with, not its file's.
        var parentTools = tools.Granted(parent.Definition?.Tools ?? parentAgent.Tools).Select(t => t.Name).ToHashSet();
        // A sub-agent never holds more than its parent: only the tools both are granted, by name.
        var narrowed = child with { Tools = [.. tools.Granted(child.Tools).Where(t => parentTools.Contains(t.Name)).Select(t => t.Name)] };
        var request = await BuildRequestAsync(narrowed, message, new RunTrigger(parent.Trigger.Kind, $"subagent of {parent.Run}"), null, false, parent.Taint, cancellationToken);
        // The sub-run's tool calls and approvals show on the parent's stream: the user watching sees them.
        request = request with { Observer = _observers.GetValueOrDefault(parent.Run) ?? NullRunObserver.Instance, ParentSecurity = parent.Security };
        _depth[request.Id] = depth;
        await audit.AppendAsync(new AuditEvent("run.delegated", $"agent:{parent.Agent}", parent.Run.Value,
            new { subRun = request.Id.Value, agent = agent, tools = narrowed.Tools, taint = parent.Taint }), cancellationToken);
        return await RunAsync(request, cancellationToken);
    }

    /// <summary>The agent loop; a run that ends with an answer records it as an outcome (a question answered).</summary>
    private async Task<RunRecord> RunLoopAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        var run = await CreateLoop().RunAsync(request, cancellationToken);
        if (run.Status == RunStatus.Succeeded && !string.IsNullOrWhiteSpace(run.Answer))
        {
            await outcomes.AddOutcomeAsync(run.Id.Value, run.Agent, "question.answered", run.Input.Length > 200 ? run.Input[..200] : run.Input,
                run.Answer.Length > 500 ? run.Answer[..500] : run.Answer, "model", time.GetUtcNow(), CancellationToken.None);
        }

        return run;
    }

    public bool Cancel(RunId run)
    {
        if (!_active.TryGetValue(run, out var entry))
        {
            return false;
        }

        entry.Cancel.Cancel();
        return true;
    }

    /// <summary>The kill switch: cancels every autonomous run now (they end at their next await); chat stays on.</summary>
    public int CancelAutonomous()
    {
        var cancelled = 0;
        foreach (var (_, entry) in _active.Where(a => !a.Value.Interactive))
        {
            entry.Cancel.Cancel();
            cancelled++;
        }

        return cancelled;
    }

    /// <summary>At shutdown: runs waiting for approval park; the others are cancelled and recorded as such.</summary>
    public void BeginShutdown() => _shutdown.Cancel();

    /// <summary>At start: runs parked on an approval go back to waiting for it, in the background.</summary>
    public async Task<int> ResumeParkedAsync(CancellationToken cancellationToken)
    {
        var parked = await runs.ParkedAsync(cancellationToken);
        foreach (var run in parked)
        {
            lock (_resumed)
            {
                _resumed.Add(Task.Run(() => ResumeOneAsync(run), CancellationToken.None));
            }
        }

        return parked.Count;
    }

    private async Task ResumeOneAsync(RunRecord run)
    {
        try
        {
            var checkpointJson = await runs.LoadCheckpointAsync(run.Id, CancellationToken.None)
                ?? throw new InvalidOperationException("its checkpoint is missing");
            var agent = FindAgent(run.Agent);
            var request = await BuildRequestAsync(agent, run.Input, run.Trigger, run.Session, false, run.Taint, CancellationToken.None) with { Id = run.Id };
            await TrackAsync(request, cancel => CreateLoop().ResumeAsync(request, run, RunCheckpoint.FromJson(checkpointJson), cancel), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError("Run {Run} could not be resumed: {Error}", run.Id, ex.Message);
            await runs.CompleteAsync(run.Id, RunStatus.Failed, $"could not be resumed after a restart: {ex.Message}", null, run.Usage, time.GetUtcNow(), CancellationToken.None);
        }
    }

    /// <summary>Waits until no run is in flight (after shutdown began).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        Task[] resumed;
        lock (_resumed)
        {
            resumed = [.. _resumed];
        }

        await Task.WhenAny(Task.WhenAll(resumed), Task.Delay(timeout, time));
        using var limit = new CancellationTokenSource(timeout, time);
        while (!_active.IsEmpty && !limit.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, CancellationToken.None);
        }
    }

    public void Dispose() => _shutdown.Dispose();
}
