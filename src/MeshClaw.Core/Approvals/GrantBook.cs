using MeshClaw.Core.Audit;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Approvals;

/// <summary>
/// The user's grants as the CLI and the dashboard see them: listed with their scope, expiry and use, revoked by the
/// user, and closed once expired (an hour's or today's past its time, a run's once its run has ended). Each revocation
/// and expiry is audited. Expiry here only tidies and records: an expired grant already stops matching at its time.
/// </summary>
public sealed class GrantBook(IStandingRules rules, IRunStore runs, IAuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<StandingRule>> ListAsync(bool includeEnded, CancellationToken cancellationToken)
    {
        await SweepAsync(cancellationToken);
        return await rules.ListAsync(includeEnded, cancellationToken);
    }

    /// <summary>Ends a grant at the user's word; the next call it would have allowed is asked again.</summary>
    /// <exception cref="KeyNotFoundException">no such grant</exception>
    /// <exception cref="InvalidOperationException">it had already ended</exception>
    public async Task<StandingRule> RevokeAsync(long id, string by, CancellationToken cancellationToken)
    {
        var rule = await rules.GetAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"no grant #{id}");
        if (!await rules.EndAsync(id, $"revoked by {by}", time.GetUtcNow(), cancellationToken))
        {
            var ended = await rules.GetAsync(id, CancellationToken.None);
            throw new InvalidOperationException($"grant #{id} had already ended: {ended?.EndReason ?? rule.EndReason ?? "gone"}");
        }

        await audit.AppendAsync(new AuditEvent("grant.revoked", by, rule.RunId, Describe(rule)), CancellationToken.None);
        return (await rules.GetAsync(id, CancellationToken.None))!;
    }

    /// <summary>Closes the grants that no longer hold (past their time, or their run has ended) and audits each; returns them.</summary>
    public async Task<IReadOnlyList<StandingRule>> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var closed = new List<StandingRule>();
        foreach (var rule in rules.All)
        {
            var reason = rule.ExpiresAt is { } expires && expires <= now ? $"expired at {expires:yyyy-MM-dd HH:mm} UTC"
                : rule is { Scope: GrantScope.Run, RunId: { } run } && await RunEndedAsync(run, cancellationToken) ? $"run {run} ended"
                : null;
            if (reason is not null && await rules.EndAsync(rule.Id, reason, now, cancellationToken))
            {
                await audit.AppendAsync(new AuditEvent("grant.expired", "meshclaw", rule.RunId, new { grant = Describe(rule), reason }), CancellationToken.None);
                closed.Add(rule);
            }
        }

        return closed;
    }

    /// <summary>The next moment a grant runs out by time, if any does; a background sweep waits for it.</summary>
    public DateTimeOffset? NextExpiry => rules.All.Min(r => r.ExpiresAt);

    /// <summary>Whether any grant lasts as long as its run (those are closed when the run is seen to have ended).</summary>
    public bool AnyForARun => rules.All.Any(r => r.Scope == GrantScope.Run);

    private async Task<bool> RunEndedAsync(string run, CancellationToken cancellationToken) =>
        await runs.GetAsync(new RunId(run), cancellationToken) is not { Run.Status: RunStatus.Running or RunStatus.WaitingApproval };

    private static object Describe(StandingRule rule) => new
    {
        rule.Id, rule.Agent, rule.Capability, match = rule.Match.GetRawText(), scope = rule.Scope.Text(), rule.RunId, rule.ExpiresAt, approval = rule.SourceApproval,
    };
}
