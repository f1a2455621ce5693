using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Cli.Output;
using MeshClaw.Connectors.Email;
using MeshClaw.Host.Configuration;
using MeshClaw.Storage.Secrets;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw connect email</c>: adds a mail account. The password goes to the secrets store, the connection is
/// tested (DNS, connect, TLS, login) and the folders listed before anything is saved; a failure says which step.
/// </summary>
public static class ConnectCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("connect", "Connect MeshClaw to your accounts");
        var account = new Option<string>("--account") { Description = "A name for this account", DefaultValueFactory = _ => "mail" };
        var imapHost = new Option<string>("--imap-host") { Description = "IMAP server", Required = true };
        var imapPort = new Option<int>("--imap-port") { Description = "IMAP port", DefaultValueFactory = _ => 993 };
        var imapTls = new Option<string>("--imap-tls") { Description = "ssl, starttls or none", DefaultValueFactory = _ => "ssl" };
        var user = new Option<string>("--user") { Description = "Login name", Required = true };
        var address = new Option<string?>("--address") { Description = "Your email address (default: the login when it is one)" };
        var smtpHost = new Option<string?>("--smtp-host") { Description = "SMTP server for sending (optional)" };
        var smtpPort = new Option<int>("--smtp-port") { DefaultValueFactory = _ => 587 };
        var smtpTls = new Option<string>("--smtp-tls") { DefaultValueFactory = _ => "starttls" };
        var email = new Command("email", "Add an IMAP/SMTP account: stores the password encrypted, tests the connection, lists the folders")
        {
            account, imapHost, imapPort, imapTls, user, address, smtpHost, smtpPort, smtpTls,
        };
        email.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            var home = globals.HomeOf(parse);
            home.EnsureCreated();
            var name = parse.GetValue(account)!;
            var secretName = "MAIL_" + name.ToUpperInvariant().Replace('-', '_');
            var password = SecretsCommand.ReadValue(secretName);
            if (string.IsNullOrEmpty(password))
            {
                Terminal.Error("no password given");
                return CommandGuard.Usage;
            }

            var node = new JsonObject
            {
                ["imapHost"] = parse.GetValue(imapHost), ["imapPort"] = parse.GetValue(imapPort), ["imapTls"] = parse.GetValue(imapTls),
                ["user"] = parse.GetValue(user), ["passwordSecret"] = secretName, ["address"] = parse.GetValue(address),
                ["smtpHost"] = parse.GetValue(smtpHost), ["smtpPort"] = parse.GetValue(smtpPort), ["smtpTls"] = parse.GetValue(smtpTls),
            };
            foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                node.Remove(key);
            }

            var config = File.Exists(home.ConfigFile) ? JsonNode.Parse(File.ReadAllText(home.ConfigFile), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip })!.AsObject() : [];
            var emailNode = config["email"] as JsonObject ?? (JsonObject)(config["email"] = new JsonObject());
            var accounts = emailNode["accounts"] as JsonObject ?? (JsonObject)(emailNode["accounts"] = new JsonObject());
            accounts[name] = node;
            var text = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            var settings = ConfigLoader.Parse(text, home.ConfigFile).Email.Accounts[name];

            Console.Error.WriteLine($"testing {settings.ImapHost}:{settings.ImapPort} ({settings.ImapTls.ToString().ToLowerInvariant()}) as {settings.User}...");
            IReadOnlyList<string> folders;
            try
            {
                await using var connection = new ImapConnection(settings, _ => password);
                folders = await new Mailbox(connection).FoldersAsync(ct);
            }
            catch (MailConnectionException ex)
            {
                Terminal.Error($"cannot connect account '{name}': {ex.Message}. Nothing was saved.");
                return CommandGuard.Failed;
            }

            new FileSecretStore(home.Root).Set(secretName, password);
            await File.WriteAllTextAsync(home.ConfigFile, text, ct);
            Terminal.Line($"connected '{name}': {folders.Count} folders ({string.Join(", ", folders)})");
            Terminal.Line($"password stored as secret {secretName}; account saved in {home.ConfigFile}");
            if (Host.Inbox.InboxAgentFile.EnsureWritten(home.Agents))
            {
                Terminal.Line($"the inbox agent is ready in {Path.Combine(home.Agents, "inbox.md")} (06:00 daily and on new mail); it files, flags and drafts, and never sends");
            }
            return 0;
        }));
        command.Subcommands.Add(email);
        return command;
    }
}
