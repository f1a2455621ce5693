using System.Text.RegularExpressions;

namespace MeshClaw.Connectors.Email.Triage;

/// <summary>
/// The deterministic first pass of triage, costing no tokens: the user's rules, then mailing-list and
/// automated-mail headers, then senders whose mail the model has filed the same way three times running.
/// Returns null when no rule settles the message.
/// </summary>
public static class TriageRules
{
    private static readonly string[] AutomatedLocalParts = ["noreply", "no-reply", "donotreply", "do-not-reply", "notifications", "notification", "mailer-daemon"];

    public static TriageVerdict? Classify(MailSummary mail, IReadOnlyList<TriageRule> userRules, IReadOnlyList<string> senderHistory)
    {
        foreach (var rule in userRules)
        {
            var fromMatches = rule.From is null || Glob(rule.From).IsMatch(mail.FromAddress);
            var subjectMatches = rule.SubjectContains is null || mail.Subject.Contains(rule.SubjectContains, StringComparison.OrdinalIgnoreCase);
            if (fromMatches && subjectMatches)
            {
                return new TriageVerdict(rule.Category, $"rule:{rule.Name}", $"user rule '{rule.Name}'");
            }
        }

        if (mail.ListUnsubscribe is not null || mail.Precedence?.Trim().ToLowerInvariant() is "bulk" or "list")
        {
            return new TriageVerdict("newsletter", "rule:list-headers", mail.ListUnsubscribe is not null ? "has a List-Unsubscribe header" : $"Precedence: {mail.Precedence}");
        }

        var local = mail.FromAddress.Split('@')[0];
        if ((mail.AutoSubmitted is { } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase)) || AutomatedLocalParts.Contains(local))
        {
            return new TriageVerdict("notification", "rule:automated", mail.AutoSubmitted is not null ? $"Auto-Submitted: {mail.AutoSubmitted}" : $"sent from {mail.FromAddress}");
        }

        if (senderHistory.Count >= 3 && senderHistory.Take(3).Distinct().Count() == 1 && senderHistory[0] is not ("urgent" or "needs-reply"))
        {
            return new TriageVerdict(senderHistory[0], "rule:known-sender", $"the model filed this sender's last 3 messages as {senderHistory[0]}");
        }

        return null;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern.ToLowerInvariant()).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
