using System.Text.Json;
using MeshClaw.Connectors.Email;

namespace MeshClaw.Host.Configuration;

/// <summary>Reads the "email" section of config.json: accounts, the user's triage rules, and category folders.</summary>
public static class EmailConfigReader
{
    private static readonly string[] AccountFields =
        ["imapHost", "imapPort", "imapTls", "user", "passwordSecret", "auth", "address", "smtpHost", "smtpPort", "smtpTls", "quarantineFolder", "retentionDays"];

    public static EmailSettings Read(JsonElement root, Func<string, string, ConfigException> error)
    {
        if (!root.TryGetProperty("email", out var email) || email.ValueKind == JsonValueKind.Null)
        {
            return new EmailSettings();
        }

        Expect(email, JsonValueKind.Object, "email", error);
        foreach (var p in email.EnumerateObject().Where(p => p.Name is not ("accounts" or "rules" or "folders" or "pollSeconds")))
        {
            throw error($"email.{p.Name}", "unknown field; known fields are accounts, rules, folders, pollSeconds");
        }

        var accounts = new Dictionary<string, EmailAccount>(StringComparer.Ordinal);
        if (email.TryGetProperty("accounts", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            Expect(list, JsonValueKind.Object, "email.accounts", error);
            foreach (var entry in list.EnumerateObject())
            {
                accounts[entry.Name] = Account(entry.Name, entry.Value, error);
            }
        }

        var rules = new List<TriageRule>();
        if (email.TryGetProperty("rules", out var ruleList) && ruleList.ValueKind != JsonValueKind.Null)
        {
            Expect(ruleList, JsonValueKind.Array, "email.rules", error);
            var i = 0;
            foreach (var rule in ruleList.EnumerateArray())
            {
                var field = $"email.rules[{i++}]";
                Expect(rule, JsonValueKind.Object, field, error);
                var category = Text(rule, "category", field, error) ?? throw error($"{field}.category", "is required");
                if (!EmailSettings.Categories.Contains(category))
                {
                    throw error($"{field}.category", $"unknown category '{category}'; use {string.Join(", ", EmailSettings.Categories)}");
                }

                var from = Text(rule, "from", field, error);
                var subject = Text(rule, "subjectContains", field, error);
                if (from is null && subject is null)
                {
                    throw error(field, "a rule needs 'from' or 'subjectContains'");
                }

                rules.Add(new TriageRule(Text(rule, "name", field, error) ?? $"rule {i}", from, subject, category));
            }
        }

        var folders = new Dictionary<string, string>(EmailSettings.DefaultFolders);
        if (email.TryGetProperty("folders", out var folderMap) && folderMap.ValueKind != JsonValueKind.Null)
        {
            Expect(folderMap, JsonValueKind.Object, "email.folders", error);
            foreach (var p in folderMap.EnumerateObject())
            {
                if (!EmailSettings.Categories.Contains(p.Name))
                {
                    throw error($"email.folders.{p.Name}", $"unknown category; use {string.Join(", ", EmailSettings.Categories)}");
                }

                if (p.Value.ValueKind == JsonValueKind.Null)
                {
                    folders.Remove(p.Name);
                }
                else
                {
                    folders[p.Name] = Text(folderMap, p.Name, "email.folders", error)!;
                }
            }
        }

        var poll = Number(email, "pollSeconds", "email", error) ?? 60;
        return new EmailSettings { Accounts = accounts, Rules = rules, Folders = folders, PollEvery = TimeSpan.FromSeconds(poll) };
    }

    private static EmailAccount Account(string name, JsonElement a, Func<string, string, ConfigException> error)
    {
        var field = $"email.accounts.{name}";
        Expect(a, JsonValueKind.Object, field, error);
        foreach (var p in a.EnumerateObject().Where(p => !AccountFields.Contains(p.Name)))
        {
            throw error($"{field}.{p.Name}", $"unknown field; known fields are {string.Join(", ", AccountFields)}");
        }

        var defaults = new EmailAccount { Name = name, ImapHost = "", User = "", PasswordSecret = "" };
        return new EmailAccount
        {
            Name = name,
            ImapHost = Text(a, "imapHost", field, error) ?? throw error($"{field}.imapHost", "is required"),
            ImapPort = Number(a, "imapPort", field, error) ?? defaults.ImapPort,
            ImapTls = Tls(a, "imapTls", field, error) ?? defaults.ImapTls,
            User = Text(a, "user", field, error) ?? throw error($"{field}.user", "is required"),
            PasswordSecret = Text(a, "passwordSecret", field, error) ?? throw error($"{field}.passwordSecret", "is required: the name of a secret (meshclaw secrets set NAME)"),
            Address = Text(a, "address", field, error),
            OAuth2 = Text(a, "auth", field, error) switch
            {
                null or "password" => false,
                "oauth2" => true,
                var other => throw error($"{field}.auth", $"unknown auth '{other}'; use password or oauth2"),
            },
            SmtpHost = Text(a, "smtpHost", field, error),
            SmtpPort = Number(a, "smtpPort", field, error) ?? defaults.SmtpPort,
            SmtpTls = Tls(a, "smtpTls", field, error) ?? defaults.SmtpTls,
            QuarantineFolder = Text(a, "quarantineFolder", field, error) ?? defaults.QuarantineFolder,
            RetentionDays = Number(a, "retentionDays", field, error) ?? defaults.RetentionDays,
        };
    }

    private static void Expect(JsonElement e, JsonValueKind kind, string field, Func<string, string, ConfigException> error)
    {
        if (e.ValueKind != kind)
        {
            throw error(field, $"expected {kind.ToString().ToLowerInvariant()}, found {e.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static string? Text(JsonElement e, string name, string field, Func<string, string, ConfigException> error)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : throw error($"{field}.{name}", "expected non-empty text");
    }

    private static int? Number(JsonElement e, string name, string field, Func<string, string, ConfigException> error)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n is > 0 and <= 10_000_000 ? n : throw error($"{field}.{name}", $"expected a positive integer up to 10000000, found {v.GetRawText()}");
    }

    private static MailTls? Tls(JsonElement e, string name, string field, Func<string, string, ConfigException> error) => Text(e, name, field, error) switch
    {
        null => null,
        "ssl" => MailTls.Ssl,
        "starttls" => MailTls.StartTls,
        "none" => MailTls.None,
        var other => throw error($"{field}.{name}", $"unknown tls mode '{other}'; use ssl, starttls or none"),
    };
}
