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

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var moves = Moves(arguments, context);
        var targets = moves.GroupBy(m => m.To).Select(g => $"{g.Count()} to {g.Key}");
        return Task.FromResult(new ToolCallPlan(Risk) { Items = moves.Count, Target = string.Join(", ", targets) });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var moves = Moves(arguments, context);
        var back = new List<object>();
        var missing = new List<string>();
        foreach (var group in moves.GroupBy(m => (m.Folder, m.To)))
        {
            var (moved, gone) = await mailbox.MoveManyAsync(group.Key.Folder, [.. group.Select(m => m.Id)], group.Key.To, cancellationToken);
            back.AddRange(moved.Select(m => (object)new { id = m.NewId, folder = group.Key.To, to = group.Key.Folder }));
            missing.AddRange(gone);
        }

        var text = $"moved {back.Count} message(s)" + (missing.Count > 0 ? $"; {missing.Count} were no longer there: {string.Join(", ", missing)}" : "");
        return new ToolResult(text)
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
