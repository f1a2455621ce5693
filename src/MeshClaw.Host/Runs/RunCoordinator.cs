using MeshClaw.Core.Security.Credentials;
using System.Collections.Concurrent;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Runs;

/// <summary>
/// Starts runs for every trigger: resolves the agent, its model pipeline, tools and procedure from the current
/// configuration, hands the run to the one lifecycle, and keeps track of runs in flight so they can be cancelled one
/// by one, all at once (pause, shutdown), or resumed after a restart when they were parked on an approval (unless
/// MeshClaw is paused: then they stay parked until it is resumed).
/// </summary>
public sealed class RunCoordinator(
    MeshClawHome home,
    ConfigSource config,
    AgentCatalogSource agents,
    IRunStore runs,
    RunLifecycle lifecycle,
    IEnumerable<IRunProcedure> procedures,
    ToolCatalogProvider tools,
    IPauseSwitch pause,
    IApprovalStore approvals,
    RedactorSource redactors,
    HomeChangeAuditor changes,
    IAuditLog audit,
    TimeProvider time,
    ILogger<RunCoordinator> logger) : ISubagentRunner, IDisposable
{
    private const int MaxSubagentDepth = 3;
    /// <summary>The session turns read for a chat turn; the agent's context allowance decides how much of them is sent.</summary>
    private const int SessionTurns = 200;
    private readonly Dictionary<string, IRunProcedure> _procedures = procedures.ToDictionary(p => p.Name, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RunId, (CancellationTokenSource Cancel, bool Interactive, Task Done)> _active = new();
    private readonly ConcurrentDictionary<RunId, int> _depth = new();
    private readonly ConcurrentDictionary<RunId, IRunObserver> _observers = new();
    private readonly ConcurrentDictionary<RunId, Task> _resumed = new();
    private readonly CancellationTokenSource _shutdown = new();

    public int ActiveCount => _active.Count;

    /// <summary>Resolves everything the run needs; throws <see cref="RunStartException"/> when it cannot start.</summary>
    public async Task<AgentRunRequest> PrepareAsync(string agentName, string message, RunOrigin origin, string? session, bool stream,
        TriggerContent? content, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            throw new RunStartException(400, "the message is empty");
        }

        await changes.CheckAsync(cancellationToken);
        var agent = FindAgent(agentName);
        if (pause.IsPaused && !origin.Interactive)
        {
            throw new RunStartException(409, "MeshClaw is paused: autonomous runs are held until 'meshclaw resume'");
        }

        return await BuildRequestAsync(agent, message, origin, session, stream, content, null, cancellationToken);
    }

    private AgentDefinition FindAgent(string agentName)
    {
        var catalog = agents.Current();
        if (catalog.Find(agentName) is { } agent)
        {
            return agent;
        }

        var broken = catalog.Errors.Where(e => Path.GetFileNameWithoutExtension(e.File) == agentName).ToList();
        throw new RunStartException(404, broken.Count > 0
            ? $"agent '{agentName}' did not load: {string.Join("; ", broken)}"
            : $"no agent named '{agentName}' in {home.Agents} (agents: {string.Join(", ", catalog.Agents.Select(a => a.Name).Order())})");
    }

    private IRunProcedure ProcedureOf(AgentDefinition agent) =>
        _procedures.GetValueOrDefault(agent.Builtin ?? AgentLoop.ProcedureName)
        ?? throw new RunStartException(400, $"agent '{agent.Name}' names an unknown built-in procedure '{agent.Builtin}' (known: {string.Join(", ", _procedures.Keys.Where(k => k != AgentLoop.ProcedureName).Order())})");

    private async Task<AgentRunRequest> BuildRequestAsync(AgentDefinition agent, string message, RunOrigin origin, string? session, bool stream,
        TriggerContent? content, IReadOnlyList<string>? inheritedTaint, CancellationToken cancellationToken)
    {
        var (settings, pipeline) = config.Current();
        var procedure = ProcedureOf(agent);
        var model = agent.Model ?? settings.DefaultModel;
        IChatClient client;
        if (model is null)
        {
            var how = $"no model is configured: declare one under \"models\" in {home.ConfigFile} (kind openai-compatible with baseUrl and model, or anthropic), then run again";
            // A built-in procedure still does what its rules can at zero tokens; the free loop cannot start.
            client = procedure is AgentLoop ? throw new RunStartException(409, how) : new NoModelChatClient(how);
        }
        else
        {
            try
            {
                client = pipeline.For(model, agent.Fallbacks);
            }
            catch (InvalidOperationException ex)
            {
                throw new RunStartException(409, $"agent '{agent.Name}': {ex.Message}");
            }
        }

        var workspace = home.WorkspaceOf(agent.Name);
        Directory.CreateDirectory(workspace);
        var history = session is null ? [] : await runs.SessionHistoryAsync(session, SessionTurns, cancellationToken);
        return new AgentRunRequest
        {
            Id = RunId.New(time),
            Agent = agent,
            Model = client,
            Tools = tools.For(settings.Sections),
            Config = settings.Sections,
            Message = message,
            Trigger = origin.Trigger,
            Interactive = origin.Interactive,
            TriggerContent = content,
            Session = session,
            History = history,
            Overall = settings.Budgets,
            Workspace = workspace,
            TimeZone = settings.Policy.TimeZone,
            Stream = stream,
            Redactor = new CredentialRedactor(redactors.Current()),
            // A chat turn inherits what earlier turns of the session read: their answers are in its context.
            InheritedTaint = [.. (inheritedTaint ?? []).Concat(history.SelectMany(h => h.Taint)).Distinct()],
            Subagents = this,
            ShutdownToken = _shutdown.Token,
        };
    }

    /// <summary>
    /// Runs the agent through the one lifecycle, with its procedure (the agent loop, or its built-in one). When the
    /// <paramref name="caller"/> hangs up (Ctrl-C, a dropped connection) the run is cancelled, unless it is waiting for
    /// an approval: then it goes on waiting, to be answered from the dashboard or `meshclaw approvals`.
    /// </summary>
    public Task<RunRecord> RunAsync(AgentRunRequest request, CancellationToken cancellationToken, CancellationToken caller = default) =>
        TrackAsync(request, cancel => lifecycle.RunAsync(request, ProcedureOf(request.Agent), cancel), cancellationToken, caller);

    /// <summary>
    /// A system procedure's run (the quarantine purge, the dreamer), as its system agent with only its grants; nothing when
    /// nothing is due or MeshClaw is paused.
    /// </summary>
    public Task<RunRecord?> RunSystemAsync(ISystemProcedure procedure, CancellationToken cancellationToken) => RunSystemAsync(procedure, null, cancellationToken);

    /// <summary>The same, asked for by someone (<c>meshclaw dream</c>): the run's input names them instead of the schedule.</summary>
    public async Task<RunRecord?> RunSystemAsync(ISystemProcedure procedure, string? requestedBy, CancellationToken cancellationToken)
    {
        if (pause.IsPaused || !await procedure.IsDueAsync(cancellationToken))
        {
            return null;
        }

        var (settings, _) = config.Current();
        var agent = new AgentDefinition
        {
            Name = procedure.Agent, Description = $"MeshClaw's {procedure.Name}", Tools = procedure.Grants, Builtin = procedure.Name,
            Instructions = "", SourcePath = "(built into MeshClaw)",
        };
        var request = new AgentRunRequest
        {
            Id = RunId.New(time), Agent = agent, Model = new NoModelChatClient("system procedures use no model"),
            Tools = tools.For(settings.Sections), Config = settings.Sections,
            Message = requestedBy is null ? $"scheduled {procedure.Name}" : $"{procedure.Name} requested by {requestedBy}", Trigger = new RunTrigger(RunTriggerKind.System, procedure.Name),
            Workspace = home.WorkspaceOf("system"), Redactor = new CredentialRedactor(redactors.Current()), ShutdownToken = _shutdown.Token,
            SystemAllowances = procedure.Decided,
        };
        return await TrackAsync(request, cancel => lifecycle.RunAsync(request, procedure, cancel), cancellationToken);
    }

    private async Task<RunRecord> TrackAsync(AgentRunRequest request, Func<CancellationToken, Task<RunRecord>> body, CancellationToken cancellationToken,
        CancellationToken caller = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        using var hangUp = caller.Register(() => _ = CallerGoneAsync(request, cancel));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _active[request.Id] = (cancel, request.Interactive, done.Task);
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
            done.TrySetResult();
        }
    }

    private async Task CallerGoneAsync(AgentRunRequest request, CancellationTokenSource cancel)
    {
        try
        {
            if ((await approvals.PendingAsync(CancellationToken.None)).FirstOrDefault(a => a.RunId == request.Id.Value) is { } waiting)
            {
                await audit.AppendAsync(new AuditEvent("run.detached", $"agent:{request.Agent.Name}", request.Id.Value,
                    new { approval = waiting.Id, reason = "the caller went away while the run waited for an approval; it goes on waiting" }), CancellationToken.None);
                return;
            }

            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile: nothing to cancel.
        }
    }

    public async Task<RunRecord> RunSubagentAsync(ToolContext parent, string agent, string message, CancellationToken cancellationToken)
    {
        var catalog = agents.Current();
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
        var all = tools.Current();
        // The caller may itself be a narrowed sub-agent: narrow against the grants it runs with, not its file's.
        var parentTools = all.Granted(parent.Definition?.Tools ?? parentAgent.Tools).Select(t => t.Name).ToHashSet();
        // A sub-agent never holds more than its parent: only the tools both are granted, by name.
        var narrowed = child with { Tools = [.. all.Granted(child.Tools).Where(t => parentTools.Contains(t.Name)).Select(t => t.Name)] };
        var interactive = parent.Security?.Interactive ?? false;
        var origin = new RunOrigin(new RunTrigger(RunTriggerKind.Subagent, parent.Run.Value) { ParentRun = parent.Run.Value }, interactive);
        var request = await BuildRequestAsync(narrowed, message, origin, null, false, null, parent.Taint, cancellationToken);
        // The sub-run's tool calls and approvals show on the parent's stream: the user watching sees them.
        request = request with
        {
            Observer = _observers.GetValueOrDefault(parent.Run) ?? NullRunObserver.Instance,
            ParentSecurity = parent.Security,
            ParentBudget = parent.Budget,
        };
        _depth[request.Id] = depth;
        await audit.AppendAsync(new AuditEvent("run.delegated", $"agent:{parent.Agent}", parent.Run.Value,
            new { subRun = request.Id.Value, agent, tools = narrowed.Tools, taint = parent.Taint }), cancellationToken);
        return await RunAsync(request, cancellationToken);
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

    /// <summary>
    /// Runs parked on an approval go back to waiting for it, in the background. While MeshClaw is paused the
    /// autonomous ones stay parked (the approved call would act): they are picked up when it is resumed.
    /// </summary>
    public async Task<int> ResumeParkedAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var run in await runs.ParkedAsync(cancellationToken))
        {
            if (_active.ContainsKey(run.Id) || _resumed.ContainsKey(run.Id) || (pause.IsPaused && !IsInteractive(run.Trigger)))
            {
                continue;
            }

            _resumed[run.Id] = Task.Run(() => ResumeOneAsync(run), CancellationToken.None);
            resumed++;
        }

        return resumed;
    }

    /// <summary>Only the owner's own terminal and chat runs were interactive; everything parked from elsewhere is autonomous.</summary>
    private static bool IsInteractive(RunTrigger trigger) => trigger.Kind is RunTriggerKind.Cli or RunTriggerKind.Chat;

    private async Task ResumeOneAsync(RunRecord run)
    {
        try
        {
            var checkpointJson = await runs.LoadCheckpointAsync(run.Id, CancellationToken.None)
                ?? throw new InvalidOperationException("its checkpoint is missing");
            var agent = FindAgent(run.Agent);
            if (ProcedureOf(agent) is not IResumableProcedure procedure)
            {
                throw new InvalidOperationException($"its procedure '{agent.Builtin}' cannot be resumed");
            }

            var origin = new RunOrigin(run.Trigger, IsInteractive(run.Trigger));
            var request = await BuildRequestAsync(agent, run.Input, origin, run.Session, false, null, run.Taint, CancellationToken.None) with { Id = run.Id };
            await TrackAsync(request, cancel => lifecycle.ResumeAsync(request, run, procedure, checkpointJson, cancel), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError("Run {Run} could not be resumed: {Error}", run.Id, redactors.Current().Redact(ex.Message));
            await lifecycle.FailAsync(run, $"could not be resumed after a restart: {redactors.Current().Redact(ex.Message)}");
        }
        finally
        {
            _resumed.TryRemove(run.Id, out _);
        }
    }

    /// <summary>Waits until no run is in flight (after shutdown began), at most <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        Task[] pending = [.. _resumed.Values, .. _active.Values.Select(a => a.Done)];
        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Count} run(s) were still ending after {Seconds} s at shutdown", _active.Count, timeout.TotalSeconds);
        }
    }

    public void Dispose() => _shutdown.Dispose();
}
