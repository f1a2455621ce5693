using System.Text.Json;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Connectors.Email;

/// <summary>The "email" section of config.json: accounts, the user's triage rules, category folders and the polling interval.</summary>
public sealed class EmailConfigSection() : ConfigSection<EmailSettings>("email")
{
    private static readonly string[] AccountFields =
        ["imapHost", "imapPort", "imapTls", "user", "passwordSecret", "auth", "address", "smtpHost", "smtpPort", "smtpTls", "quarantineFolder", "retentionDays", "names"];

    public override EmailSettings Read(JsonElement section, ConfigReader at)
    {
        var email = section;
        at.Expect(email, JsonValueKind.Object, "email");
        at.OnlyKnown(email, "email", "accounts", "rules", "folders", "pollSeconds");
        var accounts = new Dictionary<string, EmailAccount>(StringComparer.Ordinal);
        if (at.Map(email, "accounts", "email.accounts") is { } list)
        {
            foreach (var entry in list.EnumerateObject())
            {
                accounts[entry.Name] = Account(entry.Name, entry.Value, at);
            }
        }

        var rules = new List<TriageRule>();
        foreach (var (rule, field) in at.ObjectList(email, "rules", "email.rules", "name", "from", "subjectContains", "category"))
        {
            var category = at.Text(rule, "category", $"{field}.category") ?? throw at.Error($"{field}.category", "is required");
            if (!EmailSettings.Categories.Contains(category))
            {
                throw at.Error($"{field}.category", $"unknown category '{category}'; use {string.Join(", ", EmailSettings.Categories)}");
            }

            var from = at.Text(rule, "from", $"{field}.from");
            var subject = at.Text(rule, "subjectContains", $"{field}.subjectContains");
            if (from is null && subject is null)
            {
                throw at.Error(field, "a rule needs 'from' or 'subjectContains'");
            }

            rules.Add(new TriageRule(at.Text(rule, "name", $"{field}.name") ?? $"rule {rules.Count + 1}", from, subject, category));
        }

        var folders = new Dictionary<string, string>(EmailSettings.DefaultFolders);
        if (at.Map(email, "folders", "email.folders") is { } folderMap)
        {
            foreach (var p in folderMap.EnumerateObject())
            {
                if (!EmailSettings.Categories.Contains(p.Name))
                {
                    throw at.Error($"email.folders.{p.Name}", $"unknown category; use {string.Join(", ", EmailSettings.Categories)}");
                }

                if (p.Value.ValueKind == JsonValueKind.Null)
                {
                    folders.Remove(p.Name);
                }
                else
                {
                    folders[p.Name] = at.Text(folderMap, p.Name, $"email.folders.{p.Name}")!;
                }
            }
        }

        var poll = at.Positive(email, "pollSeconds", "email.pollSeconds") ?? 60;
        return new EmailSettings { Accounts = accounts, Rules = rules, Folders = folders, PollEvery = TimeSpan.FromSeconds(poll) };
    }

    private static EmailAccount Account(string name, JsonElement a, ConfigReader at)
    {
        var field = $"email.accounts.{name}";
        at.Expect(a, JsonValueKind.Object, field);
        at.OnlyKnown(a, field, AccountFields);
        var defaults = new EmailAccount { Name = name, ImapHost = "", User = "", PasswordSecret = "" };
        return new EmailAccount
        {
            Name = name,
            ImapHost = at.Text(a, "imapHost", $"{field}.imapHost") ?? throw at.Error($"{field}.imapHost", "is required"),
            ImapPort = at.Positive(a, "imapPort", $"{field}.imapPort") ?? defaults.ImapPort,
            ImapTls = Tls(a, "imapTls", field, at) ?? defaults.ImapTls,
            User = at.Text(a, "user", $"{field}.user") ?? throw at.Error($"{field}.user", "is required"),
            PasswordSecret = at.Text(a, "passwordSecret", $"{field}.passwordSecret") ?? throw at.Error($"{field}.passwordSecret", "is required: the name of a secret (meshclaw secrets set NAME)"),
            Address = at.Text(a, "address", $"{field}.address"),
            OAuth2 = at.Text(a, "auth", $"{field}.auth") switch
            {
                null or "password" => false,
                "oauth2" => true,
                var other => throw at.Error($"{field}.auth", $"unknown auth '{other}'; use password or oauth2"),
            },
            SmtpHost = at.Text(a, "smtpHost", $"{field}.smtpHost"),
            SmtpPort = at.Positive(a, "smtpPort", $"{field}.smtpPort") ?? defaults.SmtpPort,
            SmtpTls = Tls(a, "smtpTls", field, at) ?? defaults.SmtpTls,
            QuarantineFolder = at.Text(a, "quarantineFolder", $"{field}.quarantineFolder") ?? defaults.QuarantineFolder,
            RetentionDays = at.Positive(a, "retentionDays", $"{field}.retentionDays") ?? defaults.RetentionDays,
            Names = at.StringList(a, "names", $"{field}.names"),
        };
    }

    private static MailTls? Tls(JsonElement e, string name, string field, ConfigReader at) => at.Text(e, name, $"{field}.{name}") switch
    {
        null => null,
        "ssl" => MailTls.Ssl,
        "starttls" => MailTls.StartTls,
        "none" => MailTls.None,
        var other => throw at.Error($"{field}.{name}", $"unknown tls mode '{other}'; use ssl, starttls or none"),
    };
}
