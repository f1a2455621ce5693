using MeshClaw.Core.Security.Credentials;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Budgets;
using MeshClaw.Core.Events;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;

namespace MeshClaw.Core.Lifecycle;

/// <summary>
/// The one run lifecycle, for the free agent loop and every built-in procedure alike: the run's row first, the
/// started and ended audit records, attribution of every model call, the budget, the taint (trigger content taints
/// from the first step), the mapping of how it ended to a status, completion, and the closing of approvals the run
/// left unanswered.
/// </summary>
public sealed class RunLifecycle(IRunStore runs, IAuditLog audit, IApprovalBroker approvals, ToolCallExecutor executor, ISpendMeter spend, IEventStream events, TimeProvider time)
{
    public async Task<RunRecord> RunAsync(AgentRunRequest request, IRunProcedure procedure, CancellationToken cancellationToken)
    {
        var record = new RunRecord
        {
            Id = request.Id,
            Agent = request.Agent.Name,
            Trigger = request.Trigger,
            Session = request.Session,
            Input = request.Redactor.Redact(request.Message),
            StartedAt = time.GetUtcNow(),
        };
        await runs.CreateAsync(record, CancellationToken.None);
        var run = Context(request, procedure);
        if (request.TriggerContent is { } content)
        {
            run.Security.Taint($"trigger:{content.Source}");
        }

        await audit.AppendAsync(new AuditEvent("run.started", $"agent:{request.Agent.Name}", request.Id.Value, new
        {
            trigger = request.Trigger.ToString(), procedure = procedure.Name, interactive = request.Interactive,
            inheritedTaint = request.InheritedTaint, content = request.TriggerContent?.Source,
        }), CancellationToken.None);
        events.Publish(new RunStarted(record, time.GetUtcNow()));
        return await DriveAsync(run, record, procedure is IResumableProcedure, () => procedure.RunAsync(run, cancellationToken), cancellationToken);
    }

    /// <summary>Continues a run parked on an approval, from its checkpoint (after a restart, or once MeshClaw is resumed).</summary>
    public Task<RunRecord> ResumeAsync(AgentRunRequest request, RunRecord record, IResumableProcedure procedure, string checkpointJson, CancellationToken cancellationToken)
    {
        var run = Context(request, procedure);
        return DriveAsync(run, record, resumable: true, () => procedure.ResumeAsync(run, checkpointJson, cancellationToken), cancellationToken);
    }

    private RunContext Context(AgentRunRequest request, IRunProcedure procedure)
    {
        var security = new RunSecurityState(request.Trigger, request.Interactive, request.InheritedTaint, request.ParentSecurity)
        {
            ModelChoosesCalls = procedure.ModelChoosesCalls,
            SystemAllowances = request.SystemAllowances,
            Run = request.Id.Value,
        };
        if (request.SuggestOnly || request.Agent.Mode == Agents.AgentMode.Suggest)
        {
            security.EnterSuggestMode();
        }

        var budget = new RunBudget(request.Agent.Name, request.Agent.Budget, request.Overall, spend, request.ParentBudget);
        return new RunContext(request, security, budget, runs, executor, time);
    }

    private async Task<RunRecord> DriveAsync(RunContext run, RunRecord record, bool resumable, Func<Task<RunAnswer>> body, CancellationToken cancellationToken)
    {
        var request = run.Request;
        using var attribution = ModelCallAttribution.Begin(new ModelCallAttribution(request.Agent.Name, record.Id.Value, request.Trigger.ToString()));
        RunStatus status;
        string? reason = null;
        string? answer = null;
        IReadOnlyDictionary<string, object?> figures = new Dictionary<string, object?>();
        try
        {
            var result = await body();
            answer = result.Answer is null ? null : request.Redactor.Redact(result.Answer);
            figures = result.Figures;
            status = RunStatus.Succeeded;
        }
        catch (RunParkedException) when (resumable)
        {
            // Parked: the checkpoint is saved and the approval stays open; the next gateway picks the run up again.
            await runs.SetTaintAsync(record.Id, run.Security.TaintSources, CancellationToken.None);
            return record with { Status = RunStatus.WaitingApproval, Usage = run.Usage };
        }
        catch (RunParkedException)
        {
            (status, reason) = (RunStatus.Cancelled, "the gateway stopped while the run waited for an approval, and this procedure cannot be resumed" + Progress(run));
        }
        catch (RunStopException stop)
        {
            (status, reason) = (stop.Status, request.Redactor.Redact(stop.Message) + Progress(run));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || request.ShutdownToken.IsCancellationRequested)
        {
            (status, reason) = (RunStatus.Cancelled, (request.ShutdownToken.IsCancellationRequested ? "the gateway was shut down during the run" : "cancelled") + Progress(run));
        }
        catch (Exception ex)
        {
            (status, reason) = (RunStatus.Failed, request.Redactor.Redact(ex.Message) + Progress(run));
        }

        if (status == RunStatus.Succeeded && run.Security.Blocked is { } attack)
        {
            // It answered, but it met an attack on the way: its status says so, and the user is told (run.ended carries it to every sink).
            (status, reason) = (RunStatus.Blocked, attack);
        }

        if (run.Security.SuggestOnly)
        {
            figures = new Dictionary<string, object?>(figures) { ["suggestOnly"] = true };
        }

        if ((request.Redactor as CredentialRedactor)?.Tally is { Total: > 0 } credentials)
        {
            // Counted in the run: how many credentials were kept from the model, by kind.
            figures = new Dictionary<string, object?>(figures) { ["credentialsRedacted"] = credentials.Snapshot() };
        }

        if (run.Security.Fence.Neutralised is { Total: > 0 } neutralised)
        {
            figures = new Dictionary<string, object?>(figures) { ["untrustedNeutralised"] = neutralised.Snapshot() };
        }

        return await EndAsync(record, status, reason, answer, run.Usage, run.Security.TaintSources, figures);
    }

    /// <summary>
    /// Ends a parked run that cannot be resumed (its agent or checkpoint is gone) the way every run ends: recorded,
    /// its open approvals withdrawn, audited and published, so nobody is left approving a run that will never act.
    /// </summary>
    public Task<RunRecord> FailAsync(RunRecord record, string reason) =>
        EndAsync(record, RunStatus.Failed, reason, null, record.Usage, record.Taint, new Dictionary<string, object?>());

    private async Task<RunRecord> EndAsync(RunRecord record, RunStatus status, string? reason, string? answer, RunUsage usage,
        IReadOnlyList<string> taint, IReadOnlyDictionary<string, object?> figures)
    {
        var ended = time.GetUtcNow();
        await runs.CompleteAsync(record.Id, status, reason, answer, usage, ended, CancellationToken.None);
        await runs.SetTaintAsync(record.Id, taint, CancellationToken.None);
        // A run that ended can no longer use an answer: its open approvals close with it, so nobody approves into the void.
        await approvals.WithdrawAsync(record.Id.Value, $"run {record.Id} ended {RunStatusWords.Of(status)} before it was answered", CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("run.ended", $"agent:{record.Agent}", record.Id.Value, new
        {
            status = status.ToString(), reason, tokens = usage.TotalTokens, cost = usage.Cost, tainted = taint, figures,
        }), CancellationToken.None);
        var finished = record with { Status = status, StatusReason = reason, Answer = answer, Usage = usage, EndedAt = ended, Taint = taint };
        events.Publish(new RunEnded(finished, ended));
        return finished;
    }

    private static string Progress(RunContext run) => run.Progress?.Invoke() is { Length: > 0 } progress ? progress : "";
}
