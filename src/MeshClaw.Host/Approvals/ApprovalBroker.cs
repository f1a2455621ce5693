using System.Collections.Concurrent;
using System.Text.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Policy;
using MeshClaw.Storage.Approvals;

namespace MeshClaw.Host.Approvals;

/// <summary>
/// Holds tool calls for the user: stores each pending approval, wakes the waiting run when the user answers
/// (API, CLI; later dashboard and Slack), and treats expiry as denial. An answer is taken once.
/// </summary>
public sealed class ApprovalBroker(SqliteApprovalStore store, SqliteStandingRules rules, IAuditLog audit, TimeProvider time, Func<PolicySettings> policy)
    : IApprovalBroker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Approval>> _waiting = new();

    public async Task<Approval> RequestAsync(Approval pending, CancellationToken cancellationToken)
    {
        var approval = pending with { Status = ApprovalStatus.Pending, ExpiresAt = pending.CreatedAt + policy().ApprovalTimeout };
        await store.InsertAsync(approval, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("approval.requested", $"agent:{approval.Agent}", approval.RunId,
            new { approval.Id, approval.Tool, approval.Capability, approval.Arguments, approval.Reason, approval.ExpiresAt }), CancellationToken.None);
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
            await AnswerAsync(approvalId, ApprovalStatus.Expired, "expiry", null, CancellationToken.None);
            return await store.GetAsync(approvalId, CancellationToken.None) ?? approval;
        }
        finally
        {
            _waiting.TryRemove(approvalId, out _);
        }
    }

    /// <summary>
    /// Records the user's answer. With <paramref name="alwaysFields"/>, an approval also creates a standing rule for
    /// this agent and capability that matches those argument fields' values (all of them when the list is empty).
    /// </summary>
    public async Task<Approval> AnswerAsync(string approvalId, ApprovalStatus answer, string by, IReadOnlyList<string>? alwaysFields, CancellationToken cancellationToken)
    {
        var approval = await store.GetAsync(approvalId, cancellationToken) ?? throw new KeyNotFoundException($"no approval with id '{approvalId}'");
        if (approval.Status != ApprovalStatus.Pending)
        {
            throw new InvalidOperationException($"approval {approvalId} was already {approval.Status.ToString().ToLowerInvariant()}");
        }

        long? ruleId = null;
        if (answer == ApprovalStatus.Approved && alwaysFields is not null)
        {
            var arguments = JsonDocument.Parse(approval.Arguments).RootElement;
            var match = arguments.EnumerateObject()
                .Where(p => alwaysFields.Count == 0 || alwaysFields.Contains(p.Name))
                .ToDictionary(p => p.Name, p => p.Value);
            var missing = alwaysFields.Where(f => !match.ContainsKey(f)).ToList();
            if (missing.Count > 0)
            {
                throw new ArgumentException($"the call has no argument {string.Join(", ", missing)}; its arguments are {string.Join(", ", arguments.EnumerateObject().Select(p => p.Name))}");
            }

            var rule = await rules.AddAsync(approval.Agent, approval.Capability, JsonSerializer.SerializeToElement(match), by, approval.Id, time.GetUtcNow(), cancellationToken);
            ruleId = rule.Id;
            await audit.AppendAsync(new AuditEvent("policy.rule-added", by, approval.RunId, new { rule.Id, rule.Agent, rule.Capability, match = rule.Match.GetRawText() }), cancellationToken);
        }

        if (!await store.DecideAsync(approvalId, answer, by, ruleId, time.GetUtcNow(), cancellationToken))
        {
            throw new InvalidOperationException($"approval {approvalId} was answered at the same moment by someone else");
        }

        var decided = (await store.GetAsync(approvalId, cancellationToken))!;
        await audit.AppendAsync(new AuditEvent("approval.answered", by, decided.RunId,
            new { decided.Id, status = decided.Status.ToString(), decided.Tool, decided.Arguments, standingRule = ruleId }), cancellationToken);
        if (_waiting.TryGetValue(approvalId, out var waiter))
        {
            waiter.TrySetResult(decided);
        }

        Answered?.Invoke(decided);
        return decided;
    }

    /// <summary>Raised after every answer; the coordinator uses it to resume runs parked across a restart.</summary>
    public event Action<Approval>? Answered;
}
