using System.Text.Json;
using MeshClaw.Connectors.Email.Reconcile;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Files many messages in one call (triage uses it): one policy decision and one journal entry for the whole
/// batch, so a bulk beyond the limit is one approval, not dozens. Missing destination folders are created.
/// Undo moves every message back. A cut connection is never reported as success: the tool reconnects and looks where
/// each message is (BatchWhereabouts) before moving anything again; after a kill, reconciliation does the same at start.
/// </summary>
public sealed class FileBatchTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    public override string Name => "email_file_batch";
    public override string Capability => "email.move";
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description => "Moves several messages at once: moves is a list of {id, folder, to}.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"moves":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"folder":{"type":"string"},"to":{"type":"string"}},"required":["id","to"]}}},"required":["moves"],"additionalProperties":false}
        """);

    public override async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var moves = Moves(arguments, context);
        var mailbox = MailboxFor(arguments);
        var disposal = new HashSet<string>(["Trash", "Junk", "Spam", "Deleted", "Deleted Items", mailbox.Account.QuarantineFolder], StringComparer.OrdinalIgnoreCase);
        // The user's undo is not a run acting: taking back every draft of a run may well empty Drafts.
        foreach (var group in moves.Where(m => !context.IsUndo && disposal.Contains(m.To)).GroupBy(m => m.Folder))
        {
            // Sorting may leave a folder empty (inbox zero); throwing a whole folder away may not.
            var size = await mailbox.CountAsync(group.Key, cancellationToken);
            if (size > 1 && group.Select(m => m.Id).Distinct().Count() >= size)
            {
                throw new ToolArgumentException($"a run may never empty a folder: this batch would move all {size} messages of '{group.Key}' to the trash, junk or quarantine");
            }
        }

        var targets = moves.GroupBy(m => m.To).Select(g => $"{g.Count()} to {g.Key}");
        return new ToolCallPlan(Risk) { Items = moves.Count, Target = string.Join(", ", targets) };
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var moves = Moves(arguments, context);
        var back = new List<object>();
        var (filed, notFiled, missing) = (new List<string>(), new List<string>(), new List<string>());
        var (cuts, repaired) = (new List<string>(), 0);
        foreach (var group in moves.GroupBy(m => (m.Folder, m.To)))
        {
            var result = await MoveGroupAsync(mailbox, group.Key.Folder, group.Key.To, [.. group.Select(m => m.Id).Distinct(StringComparer.Ordinal)], cancellationToken);
            back.AddRange(result.Moved.Select(m => (object)new { id = m.NewId, folder = group.Key.To, to = group.Key.Folder }));
            // Mail whose whereabouts could not be checked may have moved: undo looks for it in the target, and leaves what is not there.
            back.AddRange(result.Uncertain.Select(id => (object)new { id, folder = group.Key.To, to = group.Key.Folder }));
            filed.AddRange(result.Moved.Select(m => m.Id));
            notFiled.AddRange(result.NotMoved.Concat(result.Uncertain));
            missing.AddRange(result.Missing);
            repaired += result.Repaired;
            if (result.Cut is { } cut)
            {
                cuts.Add(cut);
            }
        }

        var text = $"moved {filed.Count} message(s)" + (notFiled.Count > 0 ? $"; {notFiled.Count} not moved: {string.Join(", ", notFiled.Take(20))}" : "")
            + (missing.Count > 0 ? $"; {missing.Count} no longer there: {string.Join(", ", missing.Take(20))}" : "")
            + (cuts.Count == 0 ? "" : $"; the connection was cut ({cuts[0]}): MeshClaw reconnected and looked where each message was"
                + (repaired > 0 ? $", and {repaired} message(s) found in both folders were left only in the target" : ""));
        return new ToolResult(text, IsError: filed.Count == 0 && notFiled.Count > 0)
        {
            Inverse = back.Count == 0 ? null : new ToolInverse(Name, JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, moves = back })),
            Data = JsonSerializer.SerializeToElement(new FiledMail(filed, notFiled, missing, cuts.FirstOrDefault()), MailData.Json),
        };
    }

    private sealed record GroupResult(List<(string Id, string NewId)> Moved, List<string> NotMoved, List<string> Uncertain, List<string> Missing, string? Cut, int Repaired);

    /// <summary>
    /// Moves one group; when the connection is cut (or the server fails) mid-way, reconnects, looks where each message
    /// is by Message-ID (repairing a move cut between copy and expunge), and moves what is still in the source once more.
    /// Nothing is moved again without looking first.
    /// </summary>
    private static async Task<GroupResult> MoveGroupAsync(Mailbox mailbox, string from, string to, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new GroupResult([], [], [], [], null, 0);
        var pending = ids;
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                var (moved, gone) = await mailbox.MoveManyAsync(from, pending, to, cancellationToken);
                result.Moved.AddRange(moved);
                result.Missing.AddRange(gone);
                return result;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex.Message;
                result = result with { Cut = result.Cut ?? failure };
            }

            BatchWhereabouts where;
            try
            {
                where = await BatchWhereabouts.LookAsync(mailbox, from, to, pending, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result.Uncertain.AddRange(pending);
                return result with { Cut = $"{result.Cut}; the mailbox could not be checked afterwards: {ex.Message}" };
            }

            result.Moved.AddRange(where.Moved.Select(id => (id, id)));
            result.Missing.AddRange(where.Missing);
            result = result with { Repaired = result.Repaired + where.Repaired };
            pending = where.NotMoved;
            if (pending.Count == 0 || attempt == 1)
            {
                result.NotMoved.AddRange(pending);
                return result;
            }
        }
    }

    /// <summary>After a kill: where each message of the batch is, repaired when it is in both folders, with the inverse of what moved.</summary>
    public override async Task<Reconciliation> ReconcileActionAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var back = new List<object>();
        var (moved, notMoved, missing, repaired) = (0, 0, 0, 0);
        foreach (var group in Moves(arguments, context).GroupBy(m => (m.Folder, m.To)))
        {
            var where = await BatchWhereabouts.LookAsync(mailbox, group.Key.Folder, group.Key.To, [.. group.Select(m => m.Id)], cancellationToken);
            back.AddRange(where.Moved.Select(id => (object)new { id, folder = group.Key.To, to = group.Key.Folder }));
            (moved, notMoved, missing, repaired) = (moved + where.Moved.Count, notMoved + where.NotMoved.Count, missing + where.Missing.Count, repaired + where.Repaired);
        }

        var note = $"found {moved} moved, {notMoved} not moved, {missing} in neither folder"
            + (repaired > 0 ? $"; {repaired} were in both folders and were left only in the target" : "");
        var outcome = moved > 0 ? ReconcileOutcome.Done : notMoved > 0 && missing == 0 ? ReconcileOutcome.NotDone : ReconcileOutcome.Unknown;
        return new Reconciliation(outcome, note,
            back.Count == 0 ? null : new ToolInverse(Name, JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, moves = back })));
    }

    public override async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        (await ReconcileActionAsync(arguments, context, cancellationToken)).Outcome;

    private static List<(string Id, string Folder, string To)> Moves(JsonElement arguments, ToolContext context)
    {
        if (!arguments.TryGetProperty("moves", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new ToolArgumentException("'moves' must be a non-empty list of {id, folder, to}");
        }

        var moves = new List<(string, string, string)>();
        foreach (var item in list.EnumerateArray())
        {
            var folder = Folder(item, context);
            var to = ToolArguments.RequiredString(item, "to");
            EnsureAllowed(to, context);
            moves.Add((ToolArguments.RequiredString(item, "id"), folder, to));
        }

        return moves;
    }
}
