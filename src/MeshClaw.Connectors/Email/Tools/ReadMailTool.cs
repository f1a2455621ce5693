using System.Text;
using System.Text.Json;
using MeshClaw.Connectors.Web;
using MeshClaw.Core.Tools;
using MimeKit;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>Reads one message: headers, its text (HTML turned into text), and its attachments listed but never opened.</summary>
public sealed class ReadMailTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    private const int MaxBodyChars = 20_000;

    public override string Name => "email_read";
    public override string Capability => "email.read";
    public override ToolRisk Risk => ToolRisk.Read;
    public override string Description => "Reads one message by id: headers, text body, attachment names.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"}},"required":["id"],"additionalProperties":false}
        """);

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var folder = Folder(arguments, context);
        var message = await MailboxFor(arguments).ReadAsync(folder, ToolArguments.RequiredString(arguments, "id"), cancellationToken);
        return new ToolResult(Render(message), Untrusted: true);
    }

    public static string Render(MimeMessage message)
    {
        var text = new StringBuilder();
        text.AppendLine($"From: {message.From}");
        text.AppendLine($"To: {message.To}");
        if (message.Cc.Count > 0)
        {
            text.AppendLine($"Cc: {message.Cc}");
        }

        text.AppendLine($"Date: {message.Date:u}");
        text.AppendLine($"Subject: {message.Subject}");
        text.AppendLine($"Message-ID: {message.MessageId}");
        var body = message.TextBody ?? (message.HtmlBody is { } html ? ReadableText.FromHtml(html) : "(no text body)");
        if (body.Length > MaxBodyChars)
        {
            body = body[..MaxBodyChars] + $"\n[cut: {body.Length - MaxBodyChars} more characters]";
        }

        text.AppendLine().AppendLine(body);
        var attachments = message.Attachments.OfType<MimePart>().ToList();
        if (attachments.Count > 0)
        {
            text.AppendLine().AppendLine("Attachments (not opened):");
            foreach (var a in attachments)
            {
                text.AppendLine($"- {a.FileName ?? "(unnamed)"} ({a.ContentType.MimeType})");
            }
        }

        return text.ToString().TrimEnd();
    }
}
