using System.Text.Json;
using MeshClaw.Core.Tools;
using MimeKit;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Writes a reply into the Drafts folder, threaded with In-Reply-To and References, for the user to send (or not).
/// Nothing leaves the mailbox. Undo moves the draft to the quarantine folder. Each draft carries the journal id of its
/// action (X-MeshClaw-Action), so after a kill it is found by looking, and a reply already waiting is not appended twice.
/// </summary>
public sealed class DraftReplyTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    public override string Name => "email_draft_reply";
    public override string Capability => "email.draft";
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description => "Saves a draft reply to a message in the Drafts folder (it is not sent).";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"},"body":{"type":"string"}},"required":["id","body"],"additionalProperties":false}
        """);

    /// <summary>The header that marks a draft MeshClaw appended, with the journal id of the action that appended it.</summary>
    public const string MarkHeader = "X-MeshClaw-Action";

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var folder = Folder(arguments, context);
        var original = await mailbox.ReadAsync(folder, ToolArguments.RequiredString(arguments, "id"), cancellationToken);
        var draftsFolder = await mailbox.DraftsFolderAsync(cancellationToken);
        if (!string.IsNullOrEmpty(original.MessageId)
            && (await mailbox.FindByHeaderAsync(draftsFolder, "In-Reply-To", original.MessageId, MarkHeader, cancellationToken)).FirstOrDefault(d => d.Mark is not null) is { Id: not null } waiting)
        {
            // Appended before, by a run the gateway was killed in before it could record it: looked for, not appended twice.
            return new ToolResult($"a draft reply to this message already waits in {draftsFolder} (Message-ID {waiting.Id}); no second draft was saved (delete that one to draft another)");
        }

        var draft = Reply(original, mailbox.Account.FromAddress, ToolArguments.RequiredString(arguments, "body"), context.Time.GetUtcNow());
        draft.Headers.Add(MarkHeader, context.Action?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        var drafts = await mailbox.AppendDraftAsync(draft, cancellationToken);
        return new ToolResult($"draft reply saved in {drafts} (Message-ID {draft.MessageId}); it has not been sent")
        {
            Inverse = new ToolInverse("email_delete", JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, folder = drafts, id = draft.MessageId })),
        };
    }

    /// <summary>After a kill: the draft this action appended is found by its mark, and gets its inverse; an APPEND is never repeated.</summary>
    public override async Task<Reconciliation> ReconcileActionAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        if (context.Action is not { } action)
        {
            return new Reconciliation(ReconcileOutcome.Unknown, "no action id to look for");
        }

        var mailbox = MailboxFor(arguments);
        var drafts = await mailbox.DraftsFolderAsync(cancellationToken);
        var mark = action.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var found = await mailbox.FindByHeaderAsync(drafts, MarkHeader, mark, MarkHeader, cancellationToken);
        return found.Count == 0
            ? new Reconciliation(ReconcileOutcome.NotDone, $"no draft marked {MarkHeader}: {mark} in {drafts}")
            : new Reconciliation(ReconcileOutcome.Done, $"the draft marked {MarkHeader}: {mark} is in {drafts}",
                new ToolInverse("email_delete", JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, folder = drafts, id = found[0].Id })));
    }

    public static MimeMessage Reply(MimeMessage original, string from, string body, DateTimeOffset at)
    {
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(from));
        reply.To.AddRange(original.ReplyTo.Count > 0 ? original.ReplyTo : original.From);
        reply.Subject = original.Subject?.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) == true ? original.Subject : $"Re: {original.Subject}";
        if (!string.IsNullOrEmpty(original.MessageId))
        {
            reply.InReplyTo = original.MessageId;
            foreach (var reference in original.References)
            {
                reply.References.Add(reference);
            }

            reply.References.Add(original.MessageId);
        }

        reply.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("meshclaw.local");
        reply.Date = at;
        reply.Body = new TextPart("plain") { Text = body };
        return reply;
    }
}
