using System.Text.Json;
using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Tests.Email;

/// <summary>No password crosses the network in clear text: plain IMAP/SMTP is for a server on this machine only.</summary>
public sealed class MailTransportTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("localhost", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("mail.example.com", false)]
    [InlineData("10.0.0.5", false)]
    public void OnlyLoopbackMayBePlain(string host, bool loopback) => Assert.Equal(loopback, MailTransport.IsLoopback(host));

    [Fact]
    public async Task SendingThroughARemoteServerWithoutTls_IsRefusedBeforeConnecting()
    {
        var account = new EmailAccount { Name = "work", ImapHost = "imap.example.com", User = "me", PasswordSecret = "P", SmtpHost = "smtp.example.com", SmtpTls = MailTls.None };
        var settings = new EmailSettings { Accounts = new Dictionary<string, EmailAccount> { ["work"] = account } };
        await using var connections = new MailConnections(_ => "password");
        var tool = new SendMailTool(settings, connections, _ => "password");

        var result = await tool.InvokeAsync(JsonSerializer.SerializeToElement(new { to = "a@example.com", subject = "s", body = "b" }),
            new ToolContext("mailer", new RunId("run_t"), Path.GetTempPath(), TimeProvider.System), default);

        Assert.True(result.IsError);
        Assert.Contains("refusing to log in to smtp.example.com in clear text", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadingFromARemoteServerWithoutTls_IsRefusedBeforeConnecting()
    {
        // The host does not resolve: an attempt to connect would fail with a DNS error, not with the refusal.
        var account = new EmailAccount { Name = "work", ImapHost = "imap.invalid", ImapTls = MailTls.None, ImapPort = 143, User = "me", PasswordSecret = "P" };
        var settings = new EmailSettings { Accounts = new Dictionary<string, EmailAccount> { ["work"] = account } };
        await using var connections = new MailConnections(_ => "password");
        var tool = new ListMailTool(settings, connections);

        var refused = await Assert.ThrowsAsync<MailConnectionException>(() => tool.InvokeAsync(JsonSerializer.SerializeToElement(new { folder = "INBOX" }),
            new ToolContext("reader", new RunId("run_t"), Path.GetTempPath(), TimeProvider.System), default));

        Assert.Contains("refusing to send the password for 'me' in clear text to imap.invalid", refused.Message, StringComparison.Ordinal);
    }
}
