using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Files many messages in one call (triage uses it): one policy decision and one journal entry for the whole
/// batch, so a bulk beyond the limit is one approval, not dozens. Missing destination folders are created.
/// Undo moves every message back; after a crash, reconciliation checks each message.
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
        var missing = new List<string>();
        string? failure = null;
        foreach (var group in moves.GroupBy(m => (m.Folder, m.To)))
        {
            try
            {
                var (moved, gone) = await mailbox.MoveManyAsync(group.Key.Folder, [.. group.Select(m => m.Id)], group.Key.To, cancellationToken);
                back.AddRange(moved.Select(m => (object)new { id = m.NewId, folder = group.Key.To, to = group.Key.Folder }));
                missing.AddRange(gone);
            }
            catch (MailConnectionException ex)
            {
                // What moved stays undoable: the inverse below covers every completed group.
                failure = ex.Message;
                missing.AddRange(group.Select(m => m.Id));
            }
        }

        var text = $"moved {back.Count} message(s)" + (missing.Count > 0 ? $"; {missing.Count} not moved: {string.Join(", ", missing.Take(20))}" : "")
            + (failure is null ? "" : $"; stopped early: {failure}");
        return new ToolResult(text, IsError: failure is not null && back.Count == 0)
        {
            Inverse = back.Count == 0 ? null : new ToolInverse(Name, JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, moves = back })),
        };
    }

    public override async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var moves = Moves(arguments, context);
        var done = 0;
        foreach (var move in moves)
        {
            if (await mailbox.ContainsAsync(move.To, move.Id, cancellationToken))
            {
                done++;
            }
        }

        return done == moves.Count ? ReconcileOutcome.Done : done == 0 ? ReconcileOutcome.NotDone : ReconcileOutcome.Unknown;
    }

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
