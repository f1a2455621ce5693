using System.Text.Json;
using MeshClaw.Core.Tools;
using MimeKit;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Writes a reply into the Drafts folder, threaded with In-Reply-To and References, for the user to send (or not).
/// Nothing leaves the mailbox. Undo moves the draft to the quarantine folder.
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

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var folder = Folder(arguments, context);
        var original = await mailbox.ReadAsync(folder, ToolArguments.RequiredString(arguments, "id"), cancellationToken);
        var draft = Reply(original, mailbox.Account.FromAddress, ToolArguments.RequiredString(arguments, "body"), context.Time.GetUtcNow());
        var drafts = await mailbox.AppendDraftAsync(draft, cancellationToken);
        return new ToolResult($"draft reply saved in {drafts} (Message-ID {draft.MessageId}); it has not been sent")
        {
            Inverse = new ToolInverse("email_delete", JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, folder = drafts, id = draft.MessageId })),
        };
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
