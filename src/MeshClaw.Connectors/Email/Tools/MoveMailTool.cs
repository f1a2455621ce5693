using System.Text.Json;
using MailKit;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Moves a message to another folder (also archive and "delete", which moves to the quarantine folder). Undo moves
/// it back, finding it by Message-ID (or by its new UID under the destination's UIDVALIDITY when it has none).
/// </summary>
public sealed class MoveMailTool : EmailTool
{
    private readonly MoveKind _kind;

    public MoveMailTool(EmailSettings settings, MailConnections connections, MoveKind kind) : base(settings, connections)
    {
        _kind = kind;
        (Name, Capability, Description) = kind switch
        {
            MoveKind.Archive => ("email_archive", "email.archive", "Archives a message (moves it to the Archive folder)."),
            MoveKind.Delete => ("email_delete", "email.delete", "Deletes a message: it goes to MeshClaw's quarantine folder and is purged only after the retention period."),
            _ => ("email_move", "email.move", "Moves a message to another folder ('to')."),
        };
        ParametersSchema = Schema(kind == MoveKind.Move
            ? """{"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"},"to":{"type":"string"}},"required":["id","to"],"additionalProperties":false}"""
            : """{"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"}},"required":["id"],"additionalProperties":false}""");
    }

    public override string Name { get; }
    public override string Capability { get; }
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description { get; }
    public override JsonElement ParametersSchema { get; }

    public override async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, from, id, to) = await ResolveAsync(arguments, context, cancellationToken);
        await FolderGuard.CheckAsync(mailbox, context, from, cancellationToken);
        return new ToolCallPlan(Risk) { Target = $"{id} {from} -> {to}" };
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, from, id, to) = await ResolveAsync(arguments, context, cancellationToken);
        var newId = await mailbox.MoveAsync(from, id, to, cancellationToken);
        FolderGuard.Removed(context, mailbox, from);
        return new ToolResult($"moved {id} from {from} to {to}")
        {
            Inverse = new ToolInverse("email_move", JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, folder = to, id = newId, to = from })),
        };
    }

    public override async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, from, id, to) = await ResolveAsync(arguments, context, cancellationToken);
        var inSource = await mailbox.ContainsAsync(from, id, cancellationToken);
        var inDestination = await mailbox.ContainsAsync(to, id, cancellationToken);
        return (inSource, inDestination) switch
        {
            (false, true) => ReconcileOutcome.Done,
            (true, false) => ReconcileOutcome.NotDone,
            _ => ReconcileOutcome.Unknown,
        };
    }

    private async Task<(Mailbox Mailbox, string From, string Id, string To)> ResolveAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var from = Folder(arguments, context);
        var id = ToolArguments.RequiredString(arguments, "id");
        var to = _kind switch
        {
            MoveKind.Archive => await mailbox.SpecialFolderAsync(SpecialFolder.Archive, "Archive", cancellationToken),
            MoveKind.Delete => mailbox.Account.QuarantineFolder,
            _ => ToolArguments.RequiredString(arguments, "to"),
        };
        if (_kind != MoveKind.Delete)
        {
            EnsureAllowed(to, context);
        }

        if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolArgumentException($"the message is already in '{to}'");
        }

        return (mailbox, from, id, to);
    }
}

public enum MoveKind
{
    Move,
    Archive,
    Delete,
}
