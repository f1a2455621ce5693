using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// <c>meshclaw connect email</c>: adds a mail account. The password goes to the secrets store, the connection is
/// tested (DNS, connect, TLS, login) and the folders listed before anything is saved; a failure says which step.
/// </summary>
public sealed class EmailConnect : IConnectCommand
{
    public string Name => "email";
    public string Description => "Add an IMAP/SMTP account: stores the password encrypted, tests the connection, lists the folders";

    public IReadOnlyList<ConnectOption> Options { get; } =
    [
        new("account", "A name for this account", Default: "mail"),
        new("imap-host", "IMAP server", Required: true),
        new("imap-port", "IMAP port", Default: "993"),
        new("imap-tls", "ssl, starttls or none (none only for a server on this machine)", Default: "ssl"),
        new("user", "Login name", Required: true),
        new("address", "Your email address (default: the login when it is one)"),
        new("smtp-host", "SMTP server for sending (optional)"),
        new("smtp-port", "SMTP port", Default: "587"),
        new("smtp-tls", "starttls, ssl or none", Default: "starttls"),
    ];

    public async Task<int> RunAsync(ConnectInput input, ConnectContext context, CancellationToken cancellationToken)
    {
        var (home, console) = (context.Home, context.Console);
        home.EnsureCreated();
        var name = input.Get("account") ?? "mail";
        var secretName = "MAIL_" + name.ToUpperInvariant().Replace('-', '_');
        var node = new JsonObject
        {
            ["imapHost"] = input.Get("imap-host"), ["imapPort"] = Number(input.Get("imap-port")), ["imapTls"] = input.Get("imap-tls"),
            ["user"] = input.Get("user"), ["passwordSecret"] = secretName, ["address"] = input.Get("address"),
            ["smtpHost"] = input.Get("smtp-host"), ["smtpPort"] = Number(input.Get("smtp-port")), ["smtpTls"] = input.Get("smtp-tls"),
        };
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }

        var config = File.Exists(home.ConfigFile)
            ? JsonNode.Parse(await File.ReadAllTextAsync(home.ConfigFile, cancellationToken), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip })!.AsObject()
            : [];
        var emailNode = config["email"] as JsonObject ?? (JsonObject)(config["email"] = new JsonObject());
        var accounts = emailNode["accounts"] as JsonObject ?? (JsonObject)(emailNode["accounts"] = new JsonObject());
        accounts[name] = node;
        var text = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        EmailAccount settings;
        try
        {
            // The whole file must still load with the new account in it, so what is saved is never a broken config.
            using var document = JsonDocument.Parse(text);
            settings = new EmailConfigSection().Read(document.RootElement.GetProperty("email"), new ConfigReader(home.ConfigFile)).Accounts[name];
        }
        catch (ConfigException ex)
        {
            console.Error(ex.Message);
            return 2;
        }

        var password = console.ReadSecret(secretName);
        if (string.IsNullOrEmpty(password))
        {
            console.Error("no password given; nothing was saved");
            return 2;
        }

        console.Line($"testing {settings.ImapHost}:{settings.ImapPort} ({settings.ImapTls.ToString().ToLowerInvariant()}) as {settings.User}...");
        IReadOnlyList<string> folders;
        try
        {
            await using var connection = new ImapConnection(settings, _ => password);
            folders = await new Mailbox(connection).FoldersAsync(cancellationToken);
        }
        catch (MailConnectionException ex)
        {
            console.Error($"cannot connect account '{name}': {ex.Message}. Nothing was saved.");
            return 1;
        }

        context.Secrets.Set(secretName, password);
        await File.WriteAllTextAsync(home.ConfigFile, text, cancellationToken);
        console.Line($"connected '{name}': {folders.Count} folders ({string.Join(", ", folders)})");
        console.Line($"password stored as secret {secretName}; account saved in {home.ConfigFile}");
        if (InboxAgentFile.EnsureWritten(home.Agents))
        {
            console.Line($"the inbox agent is ready in {Path.Combine(home.Agents, "inbox.md")} (06:00 daily and on new mail); it files, flags and drafts, and never sends");
        }

        return 0;
    }

    private static JsonNode? Number(string? text) => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : text;
}
