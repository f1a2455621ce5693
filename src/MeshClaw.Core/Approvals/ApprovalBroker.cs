using System.Collections.Concurrent;
using System.Text.Json;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Events;
using MeshClaw.Core.Policy;

namespace MeshClaw.Core.Approvals;

/// <summary>
/// Holds tool calls for the user: stores each pending approval, wakes the waiting run when the user answers (CLI,
/// dashboard, API; later Slack), and treats expiry as denial. An answer is taken once, and never after the approval
/// expired or its run ended. The waiters are this process's; a cluster's broker would wake them through the store.
/// </summary>
public sealed class ApprovalBroker(IApprovalStore store, IStandingRules rules, IAuditLog audit, IEventStream events, TimeProvider time, Func<PolicySettings> policy)
    : IApprovalBroker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Approval>> _waiting = new();

    public async Task<Approval> RequestAsync(Approval pending, CancellationToken cancellationToken)
    {
        var approval = pending with { Status = ApprovalStatus.Pending, ExpiresAt = pending.CreatedAt + policy().ApprovalTimeout };
        await store.InsertAsync(approval, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("approval.requested", $"agent:{approval.Agent}", approval.RunId,
            new { approval.Id, approval.Tool, approval.Capability, approval.Arguments, approval.Reason, approval.ExpiresAt }), CancellationToken.None);
        events.Publish(new ApprovalRequested(approval, time.GetUtcNow()));
        return approval;
    }

    public async Task<Approval> WaitAsync(string approvalId, CancellationToken cancellationToken)
    {
        var waiter = _waiting.GetOrAdd(approvalId, _ => new TaskCompletionSource<Approval>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            var approval = await store.GetAsync(approvalId, cancellationToken) ?? throw new InvalidOperationException($"no approval '{approvalId}'");
            if (approval.Status != ApprovalStatus.Pending)
            {
                return approval;
            }

            var left = approval.ExpiresAt - time.GetUtcNow();
            using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var expired = Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, expiry.Token);
            var finished = await Task.WhenAny(waiter.Task, expired);
            await expiry.CancelAsync();
            if (finished == waiter.Task)
            {
                return await waiter.Task;
            }

            cancellationToken.ThrowIfCancellationRequested();
            return await ExpireAsync(approval, CancellationToken.None);
        }
        finally
        {
            _waiting.TryRemove(approvalId, out _);
        }
    }

    public async Task<Approval> AnswerAsync(string approvalId, ApprovalStatus answer, string by, GrantRequest? grant, CancellationToken cancellationToken)
    {
        var approval = await store.GetAsync(approvalId, cancellationToken) ?? throw new KeyNotFoundException($"no approval with id '{approvalId}'");
        if (approval.Status != ApprovalStatus.Pending)
        {
            throw new InvalidOperationException(approval.Status == ApprovalStatus.Withdrawn
                ? $"approval {approvalId} was withdrawn: {approval.Note ?? "its run ended"}; nothing was done"
                : $"approval {approvalId} was already {approval.Status.ToString().ToLowerInvariant()}");
        }

        if (approval.ExpiresAt <= time.GetUtcNow())
        {
            await ExpireAsync(approval, cancellationToken);
            throw new InvalidOperationException($"approval {approvalId} expired at {approval.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC; the call was not made");
        }

        grant = answer == ApprovalStatus.Approved ? grant : null;
        JsonElement? match = grant is null ? null : RuleMatch(approval, grant.MatchedFields);
        // The decision is taken first and atomically: a standing rule exists only for an approval that really was approved here.
        if (!await store.DecideAsync(approvalId, answer, by, time.GetUtcNow(), cancellationToken))
        {
            var now = await store.GetAsync(approvalId, CancellationToken.None);
            // Still pending, yet not decided: its run ended an instant ago and its approvals are being withdrawn.
            throw new InvalidOperationException(now?.Status == ApprovalStatus.Pending
                ? $"approval {approvalId} can no longer be answered: run {approval.RunId} has ended; nothing was done"
                : $"approval {approvalId} was {now?.Status.ToString().ToLowerInvariant() ?? "removed"} at the same moment by {now?.DecidedBy ?? "someone else"}");
        }

        long? ruleId = null;
        if (grant is not null && match is not null)
        {
            var now = time.GetUtcNow();
            var rule = await rules.AddAsync(new StandingRule(0, approval.Agent, approval.Capability, match.Value, now)
            {
                Scope = grant.Scope,
                RunId = grant.Scope == GrantScope.Run ? approval.RunId : null,
                ExpiresAt = GrantScopes.ExpiryOf(grant.Scope, now, policy().TimeZone),
                CreatedBy = by,
                SourceApproval = approval.Id,
            }, CancellationToken.None);
            await store.SetStandingRuleAsync(approvalId, rule.Id, CancellationToken.None);
            ruleId = rule.Id;
            await audit.AppendAsync(new AuditEvent("grant.added", by, approval.RunId, new
            {
                rule.Id, rule.Agent, rule.Capability, match = rule.Match.GetRawText(), scope = rule.Scope.Text(), rule.RunId, rule.ExpiresAt, approval = approval.Id,
            }), CancellationToken.None);
        }

        var decided = (await store.GetAsync(approvalId, CancellationToken.None))!;
        await audit.AppendAsync(new AuditEvent("approval.answered", by, decided.RunId,
            new { decided.Id, status = decided.Status.ToString(), decided.Tool, decided.Arguments, standingRule = ruleId }), CancellationToken.None);
        Wake(decided);
        return decided;
    }

    public async Task WithdrawAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        foreach (var id in await store.WithdrawPendingAsync(runId, reason, time.GetUtcNow(), cancellationToken))
        {
            await audit.AppendAsync(new AuditEvent("approval.withdrawn", "meshclaw", runId, new { id, reason }), CancellationToken.None);
            if (await store.GetAsync(id, CancellationToken.None) is { } withdrawn)
            {
                Wake(withdrawn);
            }
        }
    }

    private async Task<Approval> ExpireAsync(Approval approval, CancellationToken cancellationToken)
    {
        if (await store.DecideAsync(approval.Id, ApprovalStatus.Expired, "expiry", time.GetUtcNow(), cancellationToken))
        {
            await audit.AppendAsync(new AuditEvent("approval.answered", "expiry", approval.RunId,
                new { approval.Id, status = nameof(ApprovalStatus.Expired), approval.Tool, approval.Arguments, standingRule = (long?)null }), CancellationToken.None);
        }

        var decided = await store.GetAsync(approval.Id, CancellationToken.None) ?? approval;
        Wake(decided);
        return decided;
    }

    private void Wake(Approval decided)
    {
        if (_waiting.TryGetValue(decided.Id, out var waiter))
        {
            waiter.TrySetResult(decided);
        }

        events.Publish(new ApprovalAnswered(decided, time.GetUtcNow()));
    }

    /// <summary>The argument values a grant matches: all of the call's when <paramref name="fields"/> is null, none when it is empty.</summary>
    private static JsonElement RuleMatch(Approval approval, IReadOnlyList<string>? fields)
    {
        using var arguments = JsonDocument.Parse(approval.Arguments);
        fields ??= [.. arguments.RootElement.EnumerateObject().Select(p => p.Name)];
        var match = arguments.RootElement.EnumerateObject()
            .Where(p => fields.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Value.Clone());
        var missing = fields.Where(f => !match.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"the call has no argument {string.Join(", ", missing)}; its arguments are {string.Join(", ", arguments.RootElement.EnumerateObject().Select(p => p.Name))}");
        }

        return JsonSerializer.SerializeToElement(match);
    }
}
