using MeshClaw.Core.Security.Credentials;
using System.Security.Cryptography;
using System.Text.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// The only way from a tool call to a tool, for the agent loop and every built-in procedure: check the grant, plan
/// the call, ask the gate, hold it for approval when asked, journal every mutation (intent before, result after,
/// inverse for undo), audit every step, mark the run tainted when it reads untrusted content, and redact secrets from
/// what goes back. The user's undo has its own entry point, <see cref="UndoAsync"/>, which skips only the gate.
/// </summary>
public sealed class ToolCallExecutor(IToolCallGate gate, IApprovalBroker approvals, IActionJournal journal, IAuditLog audit, IPauseSwitch pause, TimeProvider time)
{
    private const int JournalResultChars = 2000;

    public async Task<ToolExecutionResult> ExecuteAsync(ToolExecution execution, CancellationToken cancellationToken)
    {
        var (run, call) = (execution.Run, execution.Call);
        var request = run.Request;
        var redact = run.Redactor;
        var argumentsJson = redact.Redact(call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
        var actor = $"agent:{request.Agent.Name}";
        if (call.Exception is not null)
        {
            await AuditAsync("tool.rejected", actor, run.Id, new { tool = call.Name, reason = "malformed arguments", arguments = argumentsJson });
            return new(ToolCallOutcome.InvalidArguments,
                $"error: the arguments for '{call.Name}' are not a valid JSON object ({redact.Redact(call.Exception.Message)}). Call the tool again with valid JSON arguments.", argumentsJson);
        }

        if (request.Tools.Find(call.Name) is not { } tool)
        {
            await AuditAsync("policy.decision", actor, run.Id, new { tool = call.Name, verdict = "deny", reason = "no such tool", arguments = argumentsJson });
            return new(ToolCallOutcome.Denied, $"denied: there is no tool named '{call.Name}' available to this agent", argumentsJson);
        }

        var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
        var context = run.ToolContext();
        // Without a grant the tool is not even asked to plan (planning may read mail or files).
        if (!ToolCatalog.IsGranted(tool, request.Agent.Tools))
        {
            var reason = $"agent '{request.Agent.Name}' has no grant for {tool.Capability} (tool {tool.Name})";
            await AuditAsync("policy.decision", actor, run.Id, new { tool = tool.Name, capability = tool.Capability, verdict = "deny", reason, arguments = argumentsJson });
            await NoteRefusalAsync(run, tool, new ToolCallPlan(tool.Risk), arguments, reason, actor);
            return new(ToolCallOutcome.Denied, $"denied: {reason}", argumentsJson);
        }

        ToolCallPlan plan;
        try
        {
            plan = await tool.PrepareAsync(arguments, context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await AuditAsync("tool.rejected", actor, run.Id, new { tool = tool.Name, capability = tool.Capability, reason = ex.Message, arguments = argumentsJson });
            return ex is ToolArgumentException
                ? new(ToolCallOutcome.InvalidArguments, $"error: {redact.Redact(ex.Message)}", argumentsJson)
                : new(ToolCallOutcome.Failed, $"error: the call could not be prepared: {redact.Redact(ex.Message)}", argumentsJson);
        }

        var denial = await DecideAsync(execution, tool, arguments, argumentsJson, plan, actor, cancellationToken);
        if (denial is not null)
        {
            return new(ToolCallOutcome.Denied, $"denied: {denial}", argumentsJson);
        }

        var (outcome, content, untrusted, data) = await RunAsync(execution, tool, arguments, argumentsJson, plan, context, actor, cancellationToken);
        if (untrusted)
        {
            run.Security.Taint($"tool:{tool.Name}");
            content = UntrustedContent.Wrap($"tool:{tool.Name}", content, run.Security.Fence);
        }

        var tally = (redact as CredentialRedactor)?.Tally;
        var before = tally?.Snapshot();
        var result = new ToolExecutionResult(outcome, redact.Redact(content), argumentsJson) { Data = data is { } d ? Redacted(d, redact) : null };
        if (tally is not null && tally.Snapshot() is var after && after.Values.Sum() > before!.Values.Sum())
        {
            var found = after.Where(k => k.Value > before.GetValueOrDefault(k.Key)).ToDictionary(k => k.Key, k => k.Value - before.GetValueOrDefault(k.Key));
            await AuditAsync("credential.redacted", actor, run.Id.Value, new { tool = tool.Name, kinds = found });
        }

        return result;
    }

    /// <summary>
    /// The user's undo of a journaled action: runs its recorded inverse with the tool, journals it (pointing at what it
    /// reverts) and audits it, with every text redacted. It does not ask the gate: the user is the one asking.
    /// </summary>
    public async Task<(bool Undone, string Detail)> UndoAsync(JournalEntry entry, IAgentTool tool, ToolContext context, string by, ISecretRedactor redact, CancellationToken cancellationToken)
    {
        var inverse = entry.Inverse!;
        var undoId = await journal.RecordIntentAsync(new JournalEntry
        {
            Id = 0, RunId = entry.RunId, Agent = entry.Agent, Tool = tool.Name, Capability = tool.Capability, Risk = tool.Risk,
            Arguments = redact.Redact(inverse.Arguments.GetRawText()), Target = entry.Target, Status = JournalStatus.Intent, Undoes = entry.Id, At = time.GetUtcNow(),
        }, cancellationToken);
        ToolResult result;
        try
        {
            result = await tool.InvokeAsync(inverse.Arguments, context with { IsUndo = true }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ToolResult.Error(ex.Message);
        }

        var summary = Summary(redact.Redact(result.Content));
        await journal.CompleteAsync(undoId, result.IsError ? JournalStatus.Failed : JournalStatus.Done, summary, null, time.GetUtcNow(), CancellationToken.None);
        if (!result.IsError)
        {
            await journal.MarkAsync(entry.Id, JournalStatus.Undone, $"undone by {by} (action {undoId})", CancellationToken.None);
        }

        await AuditAsync(result.IsError ? "action.undo-failed" : "action.undone", by, entry.RunId,
            new { action = entry.Id, undo = undoId, tool = entry.Tool, target = entry.Target, result = summary });
        return (!result.IsError, result.IsError ? $"the undo failed: {summary}" : summary);
    }

    /// <summary>
    /// An action whose intent was journaled but whose result never was (the gateway was killed in between): the tool looks
    /// at the target, and the journal gets what it found, with the inverse of what did take effect, so undo can put it back.
    /// Nothing is retried here.
    /// </summary>
    public async Task<JournalStatus> ReconcileAsync(JournalEntry entry, IAgentTool? tool, ToolContext context, CancellationToken cancellationToken)
    {
        Reconciliation found;
        try
        {
            found = tool is null ? new(ReconcileOutcome.Unknown, $"the tool '{entry.Tool}' is not available")
                : await tool.ReconcileActionAsync(JsonDocument.Parse(entry.Arguments).RootElement, context with { Action = entry.Id }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            found = new(ReconcileOutcome.Unknown, $"it could not be checked: {ex.Message}");
        }

        var status = found.Outcome switch
        {
            ReconcileOutcome.Done => JournalStatus.Done,
            ReconcileOutcome.NotDone => JournalStatus.NotDone,
            _ => JournalStatus.Unknown,
        };
        var note = "reconciled after a restart: the result was never recorded" + (found.Note is { Length: > 0 } n ? "; " + n : "");
        await journal.CompleteAsync(entry.Id, status, Summary(note), found.Inverse ?? entry.Inverse, time.GetUtcNow(), CancellationToken.None);
        return status;
    }

    /// <summary>
    /// A refused call that would have sent outside, executed code or changed MeshClaw, in a run that had read untrusted
    /// content, is an attack met: the run is blocked (every further change asks, what the call named may not be
    /// changed, and the run ends blocked), audited once, and the observer is told.
    /// </summary>
    private async Task NoteRefusalAsync(Lifecycle.RunContext run, IAgentTool tool, ToolCallPlan plan, JsonElement arguments, string reason, string actor)
    {
        if (!run.Security.Tainted || plan.Risk is not (ToolRisk.SendsOutside or ToolRisk.ExecutesCode or ToolRisk.ChangesMeshClaw))
        {
            return;
        }

        var first = run.Security.Blocked is null;
        var why = $"{tool.Name} was refused after the run read {string.Join(", ", run.Security.TaintSources)}: {reason}";
        run.Security.Block(run.Redactor.Redact(why), PolicyGate.ItemsOf(plan, arguments));
        if (first)
        {
            await AuditAsync("run.blocked", actor, run.Id, new { tool = tool.Name, capability = tool.Capability, reason = why });
        }
    }

    /// <summary>The gate's decision, and the user's when it asks; returns the reason for a denial or null to go ahead.</summary>
    private async Task<string?> DecideAsync(ToolExecution execution, IAgentTool tool, JsonElement arguments, string argumentsJson, ToolCallPlan plan, string actor, CancellationToken cancellationToken)
    {
        var run = execution.Run;
        var request = run.Request;
        string approvalId;
        if (execution.AwaitApprovalId is { } waiting)
        {
            approvalId = waiting;
        }
        else
        {
            var decision = await gate.DecideAsync(new ToolCallRequest(request.Agent, run.Id, tool, arguments, plan, run.Security), cancellationToken);
            await AuditAsync("policy.decision", actor, run.Id, new
            {
                tool = tool.Name, capability = tool.Capability, risk = plan.Risk.ToString(), verdict = decision.Verdict.ToString().ToLowerInvariant(),
                reason = decision.Reason, arguments = argumentsJson, tainted = run.Security.Tainted, contained = plan.Contained,
            });
            if (decision.Verdict == PolicyVerdict.Deny)
            {
                await NoteRefusalAsync(run, tool, plan, arguments, decision.Reason, actor);
                return decision.Reason;
            }

            if (decision.Verdict == PolicyVerdict.Allow)
            {
                return null;
            }

            var approval = await approvals.RequestAsync(new Approval
            {
                Id = "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                RunId = run.Id.Value,
                Agent = request.Agent.Name,
                Tool = tool.Name,
                Capability = tool.Capability,
                Arguments = argumentsJson,
                Target = plan.Target is { } target ? run.Redactor.Redact(target) : null,
                Reason = decision.Reason,
                CreatedAt = time.GetUtcNow(),
            }, cancellationToken);
            approvalId = approval.Id;
            await execution.Hooks.ParkingAsync(approvalId, cancellationToken);
            await request.Observer.OnApprovalAsync(approval, cancellationToken);
        }

        Approval decided;
        try
        {
            decided = await approvals.WaitAsync(approvalId, cancellationToken);
        }
        catch (OperationCanceledException) when (request.ShutdownToken.IsCancellationRequested)
        {
            throw new RunParkedException();
        }

        await execution.Hooks.ResumedAsync(cancellationToken);
        if (decided.Status != ApprovalStatus.Approved)
        {
            var refused = $"the user did not approve this call (approval {decided.Id} {decided.Status.ToString().ToLowerInvariant()})";
            // Only the user's refusal counts as meeting an attack; an approval that expired unanswered or was withdrawn does not.
            if (decided.Status == ApprovalStatus.Denied)
            {
                await NoteRefusalAsync(run, tool, plan, arguments, refused, actor);
            }

            return refused;
        }

        // An approved call may have waited a long time (across a restart): the kill switch still wins.
        if (pause.IsPaused && !run.Security.Interactive)
        {
            var reason = $"MeshClaw was paused after approval {decided.Id} was given; autonomous runs may not act until 'meshclaw resume'";
            await AuditAsync("policy.decision", actor, run.Id, new { tool = tool.Name, capability = tool.Capability, verdict = "deny", reason, arguments = argumentsJson });
            return reason;
        }

        return null;
    }

    private async Task<(ToolCallOutcome Outcome, string Content, bool Untrusted, JsonElement? Data)> RunAsync(
        ToolExecution execution, IAgentTool tool, JsonElement arguments, string argumentsJson, ToolCallPlan plan, ToolContext context, string actor, CancellationToken cancellationToken)
    {
        var run = execution.Run;
        long? entry = null;
        if (plan.Risk != ToolRisk.Read)
        {
            entry = await journal.RecordIntentAsync(new JournalEntry
            {
                Id = 0,
                RunId = run.Id.Value,
                Agent = run.Agent.Name,
                Tool = tool.Name,
                Capability = tool.Capability,
                Risk = plan.Risk,
                Arguments = argumentsJson,
                Target = plan.Target is { } target ? run.Redactor.Redact(target) : null,
                Items = plan.Items,
                Status = JournalStatus.Intent,
                Inverse = plan.Inverse,
                At = time.GetUtcNow(),
            }, CancellationToken.None);
            run.Security.CountChanged(tool.Capability, plan.Items);
        }

        ToolCallOutcome outcome;
        string content;
        var untrusted = false;
        JsonElement? data = null;
        var inverse = plan.Inverse;
        try
        {
            var result = await tool.InvokeAsync(arguments, entry is { } action ? context with { Action = action } : context, cancellationToken);
            inverse = result.Inverse ?? inverse;
            data = result.Data;
            (outcome, content, untrusted) = result.IsError
                ? (ToolCallOutcome.Failed, "error: " + result.Content, result.Untrusted)
                : (ToolCallOutcome.Succeeded, result.Content, result.Untrusted);
        }
        catch (ToolArgumentException ex)
        {
            (outcome, content) = (ToolCallOutcome.InvalidArguments, $"error: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            (outcome, content) = (ToolCallOutcome.Failed, $"error: the tool failed: {ex.Message}");
        }

        if (entry is { } id)
        {
            var status = outcome == ToolCallOutcome.Succeeded ? JournalStatus.Done : JournalStatus.Failed;
            var summary = Summary(run.Redactor.Redact(content));
            await journal.CompleteAsync(id, status, summary, inverse, time.GetUtcNow(), CancellationToken.None);
            await AuditAsync("action." + status.ToString().ToLowerInvariant(), actor, run.Id.Value,
                new { journal = id, tool = tool.Name, capability = tool.Capability, target = plan.Target, arguments = argumentsJson, result = summary });
        }

        return (outcome, content, untrusted, data);
    }

    private static string Summary(string content) => content.Length > JournalResultChars ? content[..JournalResultChars] : content;

    private static JsonElement Redacted(JsonElement data, ISecretRedactor redact)
    {
        var raw = data.GetRawText();
        var clean = redact.Redact(raw);
        if (raw == clean)
        {
            return data;
        }

        try
        {
            return JsonDocument.Parse(clean).RootElement.Clone();
        }
        catch (JsonException)
        {
            // A secret that straddled the JSON syntax: the data cannot be kept without it.
            return JsonDocument.Parse("null").RootElement.Clone();
        }
    }

    private Task AuditAsync(string kind, string actor, RunId run, object data) => AuditAsync(kind, actor, run.Value, data);

    private Task AuditAsync(string kind, string actor, string? run, object data) =>
        audit.AppendAsync(new AuditEvent(kind, actor, run, data), CancellationToken.None);
}
