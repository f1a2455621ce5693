using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Tools;

namespace MeshClaw.Host.Api;

// What the API answers with about approvals, the journal, the audit log, rules and outcomes: views made for the wire,
// so the storage schema can change without breaking the CLI. Kept together: they are one contract read by the CLI.

public sealed record ApprovalView(string Id, string RunId, string Agent, string Tool, string Capability, string Arguments, string? Target, string Reason,
    ApprovalStatus Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt, string? DecidedBy, long? StandingRuleId, string? Note)
{
    public static ApprovalView From(Approval a) => new(a.Id, a.RunId, a.Agent, a.Tool, a.Capability, a.Arguments, a.Target, a.Reason, a.Status,
        a.CreatedAt, a.ExpiresAt, a.DecidedAt, a.DecidedBy, a.StandingRuleId, a.Note);
}

public sealed record JournalEntryView(long Id, string RunId, string Agent, string Tool, string Capability, ToolRisk Risk, string Arguments, string? Target, int Items,
    JournalStatus Status, string? Result, bool Undoable, long? Undoes, DateTimeOffset At, DateTimeOffset? CompletedAt)
{
    public static JournalEntryView From(JournalEntry e) => new(e.Id, e.RunId, e.Agent, e.Tool, e.Capability, e.Risk, e.Arguments, e.Target, e.Items,
        e.Status, e.Result, e.Inverse is not null && e.Status == JournalStatus.Done, e.Undoes, e.At, e.CompletedAt);
}

public sealed record AuditRecordView(long Seq, DateTimeOffset At, string Kind, string Actor, string? RunId, string Data, string Hash)
{
    public static AuditRecordView From(AuditRecord r) => new(r.Seq, r.At, r.Kind, r.Actor, r.RunId, r.Data, r.Hash);
}

/// <summary><see cref="Head"/> is "seq:hash": note it somewhere else, and check it later with <c>meshclaw audit verify --anchor</c>.</summary>
public sealed record AuditVerificationView(long Records, bool Intact, long? BrokenAtSeq, string? Problem, string? Head, long? KeyedFrom)
{
    public static AuditVerificationView From(AuditVerification v) => new(v.Records, v.Intact, v.BrokenAtSeq, v.Problem,
        v.HeadHash is null ? null : new AuditAnchor(v.HeadSeq, v.HeadHash).ToString(), v.KeyedFrom);
}

public sealed record StandingRuleView(long Id, string Agent, string Capability, string Match, DateTimeOffset CreatedAt)
{
    public static StandingRuleView From(StandingRule r) => new(r.Id, r.Agent, r.Capability, r.Match.GetRawText(), r.CreatedAt);
}

public sealed record OutcomeView(long Id, string RunId, string Agent, string Kind, string Subject, string? Detail, string Source, DateTimeOffset At, string? Feedback)
{
    public static OutcomeView From(Outcome o) => new(o.Id, o.RunId, o.Agent, o.Kind, o.Subject, o.Detail, o.Source, o.At, o.Feedback);
}

public sealed record DigestView(string Agent, string Digest);

public sealed record PauseView(bool Paused);

public sealed record CancelView(string Cancelled);

public sealed record FeedbackView(long Outcome, string Verdict);

public sealed record RemovedView(long Removed);

/// <summary>
/// An answer's grant: <see cref="For"/> is run, hour, today or always (<see cref="Always"/> is the older spelling of
/// "always"); <see cref="Fields"/> names the arguments a later call must repeat (<c>*</c> for all of them).
/// </summary>
public sealed record AnswerBody(bool Always = false, IReadOnlyList<string>? Fields = null, string? For = null)
{
    /// <summary>The grant asked for, or null for a plain approval.</summary>
    /// <exception cref="ArgumentException">an unknown scope, or fields without a scope</exception>
    public GrantRequest? Grant()
    {
        var scope = For is { Length: > 0 } named
            ? GrantScopes.Parse(named) ?? throw new ArgumentException($"for: '{named}' is not a scope; use {GrantScopes.Expected}")
            : Always ? GrantScope.Always : (GrantScope?)null;
        if (scope is null && Fields is { Count: > 0 })
        {
            throw new ArgumentException("fields: a match needs a scope (for: run, hour, today or always)");
        }

        return scope is { } s ? new GrantRequest(s, Fields) : null;
    }
}

/// <summary>A grant with its scope, expiry and use, and the approval it came from.</summary>
public sealed record GrantView(long Id, string Agent, string Capability, string Match, string Scope, string? RunId, DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt, string? CreatedBy, string? Approval, long Uses, DateTimeOffset? LastUsedAt, DateTimeOffset? EndedAt, string? EndReason)
{
    public static GrantView From(StandingRule r) => new(r.Id, r.Agent, r.Capability, r.Match.GetRawText(), r.Scope.Text(), r.RunId, r.ExpiresAt,
        r.CreatedAt, r.CreatedBy, r.SourceApproval, r.Uses, r.LastUsedAt, r.EndedAt, r.EndReason);
}

public sealed record UndoBody(long? Action = null, string? Run = null);

/// <summary>A learned rule as the API shows it: what it matches, what it says, its evidence, where it stands, and how it has done.</summary>
public sealed record LearnedRuleView(long Id, string Account, string Match, string Key, string Category, string Status, string Evidence, int Decisions,
    DateTimeOffset ProposedAt, DateTimeOffset? DecidedAt, string? RetiredWhy, long Hits, long Corrected, string Source)
{
    public static LearnedRuleView From(Core.Dreaming.LearnedRule r) => new(r.Id, r.Account, r.Match.ToString().ToLowerInvariant(), r.Key, r.Category,
        r.Status.ToString().ToLowerInvariant(), r.Evidence, r.Decisions, r.ProposedAt, r.DecidedAt, r.RetiredWhy, r.Hits, r.Corrected, r.Source);
}

/// <summary>The dream journal of one day (in the user's time zone); no date before the first dream that wrote anything.</summary>
public sealed record DreamJournalView(string? Date, IReadOnlyList<DreamLineView> Lines);

public sealed record DreamLineView(string Run, DateTimeOffset At, string Kind, long Rule, string Text, string Evidence)
{
    public static DreamLineView From(Core.Dreaming.DreamLine l) => new(l.RunId, l.At, l.Kind.ToString().ToLowerInvariant(), l.RuleId, l.Rule, l.Evidence);
}
