using System.Text.Json;
using MailKit.Net.Smtp;
using MeshClaw.Core.Tools;
using MimeKit;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>Sends a message over SMTP. It leaves the machine and cannot be called back: approval is required by default.</summary>
public sealed class SendMailTool(EmailSettings settings, MailConnections connections, Func<string, string?> secret) : EmailTool(settings, connections)
{
    public override string Name => "email_send";
    public override string Capability => "email.send";
    public override ToolRisk Risk => ToolRisk.SendsOutside;
    public override string Description => "Sends an email (to, subject, body).";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"to":{"type":"string"},"subject":{"type":"string"},"body":{"type":"string"}},"required":["to","subject","body"],"additionalProperties":false}
        """);

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var to = ToolArguments.RequiredString(arguments, "to");
        if (!InternetAddressList.TryParse(to, out var parsed) || parsed.Mailboxes.Any() == false)
        {
            throw new ToolArgumentException($"'{to}' is not an email address");
        }

        return Task.FromResult(new ToolCallPlan(Risk) { Target = $"to {to}: {ToolArguments.RequiredString(arguments, "subject")}" });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var account = MailboxFor(arguments).Account;
        if (account.SmtpHost is null)
        {
            return ToolResult.Error($"account '{account.Name}' has no SMTP server configured");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(account.FromAddress));
        message.To.AddRange(InternetAddressList.Parse(ToolArguments.RequiredString(arguments, "to")));
        message.Subject = ToolArguments.RequiredString(arguments, "subject");
        message.Body = new TextPart("plain") { Text = ToolArguments.RequiredString(arguments, "body") };
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("meshclaw.local");
        if (account.SmtpTls == MailTls.None && !MailTransport.IsLoopback(account.SmtpHost))
        {
            return ToolResult.Error($"refusing to log in to {account.SmtpHost} in clear text; set smtpTls to starttls (port 587) or ssl (port 465) for account '{account.Name}'");
        }

        using var smtp = new SmtpClient { Timeout = 30_000 };
        await smtp.ConnectAsync(account.SmtpHost, account.SmtpPort, ImapConnection.Tls(account.SmtpTls), cancellationToken);
        if (account.SmtpTls != MailTls.None || smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication))
        {
            if (smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                var credential = secret(account.PasswordSecret) ?? "";
                if (account.OAuth2)
                {
                    await smtp.AuthenticateAsync(new MailKit.Security.SaslMechanismOAuth2(account.User, credential), cancellationToken);
                }
                else
                {
                    await smtp.AuthenticateAsync(account.User, credential, cancellationToken);
                }
            }
        }

        var response = await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(true, cancellationToken);
        return new ToolResult($"sent to {message.To} (Message-ID {message.MessageId}): {response}");
    }
}
