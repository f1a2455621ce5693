namespace MeshClaw.Connectors.Email;

/// <summary>The email section of config.json: accounts and the user's own triage rules.</summary>
public sealed record EmailSettings
{
    public IReadOnlyDictionary<string, EmailAccount> Accounts { get; init; } = new Dictionary<string, EmailAccount>();
    public IReadOnlyList<TriageRule> Rules { get; init; } = [];

    /// <summary>How often the watcher looks for new mail.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where triage files each category; a category without a folder stays in the inbox.</summary>
    public IReadOnlyDictionary<string, string> Folders { get; init; } = DefaultFolders;

    public static readonly IReadOnlyDictionary<string, string> DefaultFolders = new Dictionary<string, string>
    {
        ["newsletter"] = "Newsletters",
        ["notification"] = "Notifications",
        ["spam"] = "Junk",
    };

    /// <summary>The categories triage sorts into; urgent, needs-reply and fyi stay in the inbox unless mapped.</summary>
    public static readonly IReadOnlyList<string> Categories = ["urgent", "needs-reply", "fyi", "newsletter", "notification", "spam"];

    public EmailAccount Account(string? name) =>
        name is not null
            ? Accounts.GetValueOrDefault(name) ?? throw new Core.Tools.ToolArgumentException($"no email account '{name}' (accounts: {string.Join(", ", Accounts.Keys)})")
            : Accounts.Count == 1 ? Accounts.Values.First()
            : Accounts.Count == 0 ? throw new Core.Tools.ToolArgumentException("no email account is connected; the user can add one with: meshclaw connect email")
            : throw new Core.Tools.ToolArgumentException($"several accounts are connected; name one in 'account' ({string.Join(", ", Accounts.Keys)})");
}

/// <summary>A user rule: mail whose sender matches (glob: *@github.com) or whose subject contains the text goes to a category.</summary>
public sealed record TriageRule(string Name, string? From, string? SubjectContains, string Category);
