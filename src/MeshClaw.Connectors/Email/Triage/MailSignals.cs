using System.Text.RegularExpressions;

namespace MeshClaw.Connectors.Email.Triage;

/// <summary>
/// What the headers and subject of a message say before anything decides: an alert that must be flagged, a sign that
/// it wants the user's attention, marketing words, a tool that sends notifications, a person writing to a list.
/// Deliberately conservative: a signal sends mail to the model (or flags it), never files it away.
/// </summary>
public static partial class MailSignals
{
    // The tools people work with: they send List-Unsubscribe and noreply@ too, and what they send is a notification.
    private static readonly string[] ToolDomains =
    [
        "github.com", "gitlab.com", "bitbucket.org", "atlassian.net", "atlassian.com", "jira.com", "linear.app", "figma.com", "notion.so",
        "asana.com", "trello.com", "circleci.com", "travis-ci.com", "buildkite.com", "vercel.com", "netlify.com", "sentry.io",
        "datadoghq.com", "pagerduty.com", "opsgenie.com", "grafana.com", "grafana.net", "newrelic.com", "statuspage.io", "uptimerobot.com",
    ];

    private static readonly string[] MonitoringDomains =
        ["sentry.io", "datadoghq.com", "pagerduty.com", "opsgenie.com", "grafana.com", "grafana.net", "newrelic.com", "statuspage.io", "uptimerobot.com"];

    private static readonly string[] FreemailDomains =
    [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com", "icloud.com", "me.com",
        "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "yandex.com", "yandex.ru",
        "mail.ru", "zoho.com", "fastmail.com", "tutanota.com", "hey.com", "qq.com", "163.com", "126.com", "naver.com", "orange.fr", "free.fr", "libero.it",
    ];

    private static readonly string[] RoleLocalParts =
    [
        "news", "newsletter", "newsletters", "digest", "info", "hello", "marketing", "updates", "update", "team", "mailer", "bounce",
        "noreply", "no-reply", "donotreply", "do-not-reply", "notifications", "notification", "mailer-daemon", "offers", "deals", "promo",
    ];

    /// <summary>A monitoring alert or outage report: flagged whatever the sender's history says.</summary>
    public static bool IsAlert(MailSummary mail) => Alert().IsMatch(mail.Subject);

    /// <summary>
    /// A question to the user, a deadline, urgency, the user's own name: such mail goes to the model even from a known
    /// sender. <paramref name="ownerNames"/> are the names people call the user by (the account's <c>names</c>).
    /// </summary>
    public static bool WantsAttention(MailSummary mail, IReadOnlyList<string>? ownerNames = null) =>
        IsAlert(mail) || mail.Subject.Contains('?', StringComparison.Ordinal) || Attention().IsMatch(mail.Subject) || Names(mail.Subject, ownerNames);

    /// <summary>
    /// The same signs in the first lines of a body: the greeting and opening sentences are where a person asks. A
    /// greeting by name ("Hi Dana,") is how most mail opens and says nothing; the name anywhere else does.
    /// </summary>
    public static bool OpeningWantsAttention(string body, IReadOnlyList<string>? ownerNames = null)
    {
        var lines = body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(3).ToList();
        var opening = string.Join('\n', lines);
        return opening.Contains('?', StringComparison.Ordinal) || Attention().IsMatch(opening) || Alert().IsMatch(opening)
            || Names(string.Join('\n', lines.Select(l => Greeting().Replace(l, ""))), ownerNames);
    }

    /// <summary>One of the user's names as a word, or as an @mention.</summary>
    private static bool Names(string text, IReadOnlyList<string>? ownerNames) =>
        ownerNames is { Count: > 0 } && ownerNames.Any(name => name.Length > 1 && Regex.IsMatch(text, $@"(?<![\w]){Regex.Escape(name)}(?![\w])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));

    public static bool LooksLikeMarketing(MailSummary mail) => Marketing().IsMatch(mail.Subject);

    public static bool IsReply(MailSummary mail) => mail.InReplyTo is not null || ReplyPrefix().IsMatch(mail.Subject);

    public static bool FromTool(MailSummary mail) => DomainIn(mail.FromAddress, ToolDomains);

    public static bool FromMonitoring(MailSummary mail) => DomainIn(mail.FromAddress, MonitoringDomains);

    /// <summary>A personal address (not news@, info@, noreply@...): on a list, a person writing to people.</summary>
    public static bool FromPerson(MailSummary mail) => FromPerson(mail.FromAddress);

    public static bool FromPerson(string address) => !RoleLocalParts.Contains(address.Split('@')[0].ToLowerInvariant());

    /// <summary>A mail provider anyone can sign up with: its domain says nothing about who writes.</summary>
    public static bool FromFreemail(MailSummary mail) => DomainIn(mail.FromAddress, FreemailDomains);

    private static bool DomainIn(string address, string[] domains)
    {
        var at = address.LastIndexOf('@');
        var domain = at < 0 ? address : address[(at + 1)..];
        return domains.Any(d => domain.Equals(d, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));
    }

    [GeneratedRegex(@"\b(outage|incident|firing|is down|went down|down alert|sev ?[12]|p1|critical alert|alert:|\[alert\]|\[critical\]|triggered|degraded|unreachable)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Alert();

    [GeneratedRegex(@"\b(urgent|asap|deadline|due (today|tomorrow)|by (today|tomorrow|eod|end of day|monday|tuesday|wednesday|thursday|friday)|action required|please (reply|respond|confirm|review|approve)|overdue|final notice)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Attention();

    [GeneratedRegex(@"(\bfree\b|\bwinner\b|\bwin\b|\$\$|\d+ ?% off|\bact now\b|limited time|\bclaim\b|\bcasino\b|\bcrypto\b|\bcongratulations\b|\bbonus\b|\bcheap\b|\bdeal of\b|!!)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Marketing();

    // A salutation and the words right after it (the name it greets), up to the first comma or the line's end.
    [GeneratedRegex(@"^(hi|hello|hey|dear|hiya|morning|good (morning|afternoon|evening)|hallo|bonjour|hola)\b[^,.!:\n]{0,40}[,.!:]?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^\s*(re|aw|sv|antw|fwd?|wg)\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex ReplyPrefix();
}
