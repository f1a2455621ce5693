using System.Collections.Concurrent;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Home;

namespace MeshClaw.Host.Runs;

/// <summary>
/// Starts runs for every trigger: resolves the agent, its model pipeline and tools, runs the loop, and keeps
/// track of runs in flight so they can be cancelled one by one or all at shutdown.
/// </summary>
public sealed class RunCoordinator(
    MeshClawHome home,
    ConfigSource config,
    AgentLoop loop,
    ToolCatalog tools,
    IRunStore runs,
    IUsageLedger ledger,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<RunId, CancellationTokenSource> _active = new();

    public int ActiveCount => _active.Count;

    /// <summary>Resolves everything the run needs; throws <see cref="RunStartException"/> when it cannot start.</summary>
    public async Task<AgentRunRequest> PrepareAsync(string agentName, string message, RunTrigger trigger, string? session, bool stream, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            throw new RunStartException(400, "the message is empty");
        }

        var catalog = AgentCatalog.Load(home.Agents);
        var agent = catalog.Find(agentName);
        if (agent is null)
        {
            var broken = catalog.Errors.Where(e => Path.GetFileNameWithoutExtension(e.File) == agentName).ToList();
            throw new RunStartException(404, broken.Count > 0
                ? $"agent '{agentName}' did not load: {string.Join("; ", broken)}"
                : $"no agent named '{agentName}' in {home.Agents} (agents: {string.Join(", ", catalog.Agents.Select(a => a.Name).Order())})");
        }

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
        var dayStart = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new AgentRunRequest
        {
            Id = RunId.New(time),
            Agent = agent,
            Model = client,
            Tools = tools,
            Message = message,
            Trigger = trigger,
            Session = session,
            History = session is null ? [] : await runs.SessionHistoryAsync(session, 20, cancellationToken),
            SpentToday = await ledger.SpentAsync(agent.Name, dayStart, cancellationToken),
            Workspace = workspace,
            Stream = stream,
        };
    }

    public async Task<RunRecord> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _active[request.Id] = cancel;
        try
        {
            return await loop.RunAsync(request, cancel.Token);
        }
        finally
        {
            _active.TryRemove(request.Id, out _);
        }
    }

    public bool Cancel(RunId run)
    {
        if (!_active.TryGetValue(run, out var cancel))
        {
            return false;
        }

        cancel.Cancel();
        return true;
    }

    public void CancelAll()
    {
        foreach (var cancel in _active.Values)
        {
            cancel.Cancel();
        }
    }

    /// <summary>Waits until no run is in flight (after <see cref="CancelAll"/>, at shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout, time);
        while (!_active.IsEmpty && !limit.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, CancellationToken.None);
        }
    }
}
