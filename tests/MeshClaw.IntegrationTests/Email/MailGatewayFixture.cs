using System.Text.Json.Nodes;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;
using MeshClaw.Testing.Mail;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>A real Dovecot and Postfix, a gateway whose "mail" account is alice's mailbox, and the scripted model.</summary>
public sealed class MailGatewayFixture : IAsyncLifetime
{
    public const string Password = "alice-pass-1234";
    public MailServer Mail { get; private set; } = null!;
    public MailSeeder Alice { get; private set; } = null!;
    public MailSeeder Bob { get; private set; } = null!;
    public ScriptedModelServer Server { get; private set; } = null!;
    public TestHome Home { get; } = new();
    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mail = await MailServer.StartAsync(new Dictionary<string, string> { ["alice"] = Password, ["bob"] = "bob-pass-1234" });
        Alice = new MailSeeder(Mail, "alice", Password);
        Bob = new MailSeeder(Mail, "bob", "bob-pass-1234");
        foreach (var folder in new[] { "Newsletters", "Notifications", "Projects" })
        {
            await Alice.FolderAsync(folder);
        }

        Server = await ScriptedModelServer.StartAsync();
        Home.Config("email", Account(Mail));
        new FileSecretStore(Home.Root).Set("MAIL_ALICE", Password);
        foreach (var name in new[] { "mailer", "bulk", "sender", "narrow", "flaky" })
        {
            Home.OpenAIModel(name, Server.OpenAIBaseUrl, "mail-" + name);
        }

        Home.Agent("mailer", "model: mailer\ntools: [email.*]")
            .Agent("bulk", "model: bulk\ntools: [email.*]")
            .Agent("sender", "model: sender\ntools: [email.read, email.send]")
            .Agent("narrow", "model: narrow\ntools: [email.*]\nmail_folders: [INBOX, Newsletters]")
            .Agent("flaky", "model: flaky\ntools: [email.*]");
        Gateway = await GatewayProcess.StartAsync(Home.Root);
    }

    public static JsonObject Account(MailServer mail, string secret = "MAIL_ALICE") => new()
    {
        ["accounts"] = new JsonObject
        {
            ["mail"] = new JsonObject
            {
                ["imapHost"] = mail.Host, ["imapPort"] = mail.ImapPort, ["imapTls"] = "none", ["user"] = "alice", ["passwordSecret"] = secret,
                ["address"] = $"alice@{MailServer.Domain}", ["smtpHost"] = mail.Host, ["smtpPort"] = mail.SmtpPort, ["smtpTls"] = "none",
            },
        },
    };

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Server.DisposeAsync();
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
        await Mail.DisposeAsync();
        Home.Dispose();
    }
}
