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
/// The only way from a model's tool call to a tool: plan the call, ask the gate, hold it for approval when asked,
/// journal every mutation (intent before, result after, inverse for undo), audit every step, mark the run tainted
/// when it reads untrusted content, and redact secrets from what goes back to the model.
/// </summary>
public sealed class ToolCallExecutor(IToolCallGate gate, IApprovalBroker approvals, IActionJournal journal, IAuditLog audit, TimeProvider time)
{
    public async Task<ToolExecutionResult> ExecuteAsync(ToolExecution execution, CancellationToken cancellationToken)
    {
        var (request, call) = (execution.Request, execution.Call);
        var redact = request.Redactor;
        var argumentsJson = redact.Redact(call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
        var actor = $"agent:{request.Agent.Name}";
        if (call.Exception is not null)
        {
            await AuditAsync("tool.rejected", actor, execution, new { tool = call.Name, reason = "malformed arguments", arguments = argumentsJson }, cancellationToken);
            return new(ToolCallOutcome.InvalidArguments,
                $"error: the arguments for '{call.Name}' are not a valid JSON object ({call.Exception.Message}). Call the tool again with valid JSON arguments.", argumentsJson);
        }

        if (request.Tools.Find(call.Name) is not { } tool)
        {
            await AuditAsync("policy.decision", actor, execution, new { tool = call.Name, verdict = "deny", reason = "no such tool", arguments = argumentsJson }, cancellationToken);
            return new(ToolCallOutcome.Denied, $"denied: there is no tool named '{call.Name}' available to this agent", argumentsJson);
        }

        var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
        var context = new ToolContext(request.Agent.Name, execution.Run, request.Workspace, time)
        {
            Trigger = request.Trigger,
            Taint = [.. execution.Security.TaintSources],
            Definition = request.Agent,
            Security = execution.Security,
        };
        // Without a grant the tool is not even asked to plan (planning may read mail or files).
        if (!ToolCatalog.IsGranted(tool, request.Agent.Tools))
        {
            var reason = $"agent '{request.Agent.Name}' has no grant for {tool.Capability} (tool {tool.Name})";
            await AuditAsync("policy.decision", actor, execution, new { tool = tool.Name, capability = tool.Capability, verdict = "deny", reason, arguments = argumentsJson }, cancellationToken);
            return new(ToolCallOutcome.Denied, $"denied: {reason}", argumentsJson);
        }

        ToolCallPlan plan;
        try
        {
            plan = await tool.PrepareAsync(arguments, context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await AuditAsync("tool.rejected", actor, execution, new { tool = tool.Name, capability = tool.Capability, reason = ex.Message, arguments = argumentsJson }, cancellationToken);
            return ex is ToolArgumentException
                ? new(ToolCallOutcome.InvalidArguments, $"error: {ex.Message}", argumentsJson)
                : new(ToolCallOutcome.Failed, $"error: the call could not be prepared: {request.Redactor.Redact(ex.Message)}", argumentsJson);
        }

        var denial = await DecideAsync(execution, tool, arguments, argumentsJson, plan, actor, cancellationToken);
        if (denial is not null)
        {
            return new(ToolCallOutcome.Denied, $"denied: {denial}", argumentsJson);
        }

        var (outcome, content, untrusted) = await RunAsync(execution, tool, arguments, argumentsJson, plan, context, actor, cancellationToken);
        if (untrusted)
        {
            execution.Security.Taint($"tool:{tool.Name}");
            content = UntrustedContent.Wrap($"tool:{tool.Name}", content);
        }

        return new(outcome, redact.Redact(content), argumentsJson);
    }

    /// <summary>The gate's decision, and the user's when it asks; returns the reason for a denial or null to go ahead.</summary>
    private async Task<string?> DecideAsync(ToolExecution execution, IAgentTool tool, JsonElement arguments, string argumentsJson, ToolCallPlan plan, string actor, CancellationToken cancellationToken)
    {
        var request = execution.Request;
        string approvalId;
        if (execution.AwaitApprovalId is { } waiting)
        {
            approvalId = waiting;
        }
        else
        {
            var decision = await gate.DecideAsync(new ToolCallRequest(request.Agent, execution.Run, tool, arguments, plan, execution.Security), cancellationToken);
            await AuditAsync("policy.decision", actor, execution, new
            {
                tool = tool.Name, capability = tool.Capability, risk = plan.Risk.ToString(), verdict = decision.Verdict.ToString().ToLowerInvariant(),
                reason = decision.Reason, arguments = argumentsJson, tainted = execution.Security.Tainted,
            }, cancellationToken);
            if (decision.Verdict == PolicyVerdict.Deny)
            {
                return decision.Reason;
            }

            if (decision.Verdict == PolicyVerdict.Allow)
            {
                return null;
            }

            var approval = await approvals.RequestAsync(new Approval
            {
                Id = "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                RunId = execution.Run.Value,
                Agent = request.Agent.Name,
                Tool = tool.Name,
                Capability = tool.Capability,
                Arguments = argumentsJson,
                Target = plan.Target,
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
        return decided.Status == ApprovalStatus.Approved
            ? null
            : $"the user did not approve this call (approval {decided.Id} {decided.Status.ToString().ToLowerInvariant()})";
    }

    private async Task<(ToolCallOutcome Outcome, string Content, bool Untrusted)> RunAsync(
        ToolExecution execution, IAgentTool tool, JsonElement arguments, string argumentsJson, ToolCallPlan plan, ToolContext context, string actor, CancellationToken cancellationToken)
    {
        long? entry = null;
        if (plan.Risk != ToolRisk.Read)
        {
            entry = await journal.RecordIntentAsync(new JournalEntry
            {
                Id = 0,
                RunId = execution.Run.Value,
                Agent = execution.Request.Agent.Name,
                Tool = tool.Name,
                Capability = tool.Capability,
                Risk = plan.Risk,
                Arguments = argumentsJson,
                Target = plan.Target,
                Items = plan.Items,
                Status = JournalStatus.Intent,
                Inverse = plan.Inverse,
                At = time.GetUtcNow(),
            }, CancellationToken.None);
            execution.Security.CountChanged(tool.Capability, plan.Items);
        }

        ToolCallOutcome outcome;
        string content;
        var untrusted = false;
        var inverse = plan.Inverse;
        try
        {
            var result = await tool.InvokeAsync(arguments, context, cancellationToken);
            inverse = result.Inverse ?? inverse;
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
            var summary = execution.Request.Redactor.Redact(content.Length > 2000 ? content[..2000] : content);
            await journal.CompleteAsync(id, status, summary, inverse, time.GetUtcNow(), CancellationToken.None);
            await AuditAsync("action." + status.ToString().ToLowerInvariant(), actor, execution,
                new { journal = id, tool = tool.Name, capability = tool.Capability, target = plan.Target, arguments = argumentsJson, result = summary }, CancellationToken.None);
        }

        return (outcome, content, untrusted);
    }

    private Task AuditAsync(string kind, string actor, ToolExecution execution, object data, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEvent(kind, actor, execution.Run.Value, data), CancellationToken.None);
}
