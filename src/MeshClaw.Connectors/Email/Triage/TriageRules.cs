using System.Text.RegularExpressions;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Triage;

/// <summary>
/// The deterministic first pass of triage, costing no tokens, in this order: the user's own rules; alerts (flagged,
/// whatever else is known); the user's corrections for this list or sender; header rules that know what they do not
/// know (tools' notifications, newsletters only with list headers and no sign of a person or of marketing); senders
/// the model filed alike three times running, except for mail that wants attention, marketing from a sender not
/// known for spam (a newsletter turning to spam), and a sample of 1 in 10 that goes to the model to check the habit. Returns null when nothing settles the message.
/// </summary>
public static class TriageRules
{
    public const string ListHeaders = "rule:list-headers";
    public const string Automated = "rule:automated";
    public const string Tool = "rule:tool";
    public const string KnownSender = "rule:known-sender";
    public const string Alert = "rule:alert";
    public const string Correction = "correction";

    /// <summary>One learned-sender verdict in this many goes to the model anyway, so a changed habit is noticed.</summary>
    public const int RecheckOneIn = 10;

    public static TriageVerdict? Classify(MailSummary mail, IReadOnlyList<TriageRule> userRules, SenderKnowledge knowledge)
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

        if (MailSignals.IsAlert(mail) && (MailSignals.FromMonitoring(mail) || !MailSignals.LooksLikeMarketing(mail)))
        {
            return new TriageVerdict("urgent", Alert, "an alert or outage report");
        }

        if (knowledge.Correction is { ToCategory: { } corrected } correction)
        {
            return new TriageVerdict(corrected, Correction, $"you moved {(correction.ListId is not null && correction.ListId == mail.ListId ? "this list's" : "this sender's")} mail to {correction.ToFolder}");
        }

        if (knowledge.Correction is not null || MailSignals.WantsAttention(mail))
        {
            // Kept in the inbox by the user, or a question, a deadline: the model decides, and may draft a reply.
            return null;
        }

        if (Headers(mail) is { } byHeaders && !knowledge.SuspendedRules.Contains(byHeaders.Source))
        {
            return byHeaders;
        }

        var history = knowledge.ModelHistory;
        if (history.Count >= 3 && history.Take(3).Distinct().Count() == 1 && history[0] is not ("urgent" or "needs-reply")
            && !knowledge.SuspendedRules.Contains(KnownSender) && !Rechecked(mail) && (history[0] == "spam" || !MailSignals.LooksLikeMarketing(mail)))
        {
            return new TriageVerdict(history[0], KnownSender, $"the model filed this {(mail.ListId is null ? "sender" : "sender's or list")}'s last 3 messages as {history[0]}");
        }

        return null;
    }

    /// <summary>The user moved this sender's or list's mail back to the inbox: it may not be filed away again.</summary>
    public static bool KeptInInbox(SenderKnowledge knowledge) => knowledge.Correction is { ToCategory: null };

    private static TriageVerdict? Headers(MailSummary mail)
    {
        var hasListHeaders = mail.ListUnsubscribe is not null || mail.ListId is not null || mail.Precedence?.Trim().ToLowerInvariant() is "bulk" or "list";
        var automated = mail.AutoSubmitted is { } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase);
        if (MailSignals.FromTool(mail) && (hasListHeaders || automated || !MailSignals.FromPerson(mail)))
        {
            return new TriageVerdict("notification", Tool, $"a notification from {mail.FromAddress.Split('@')[^1]}");
        }

        if (automated)
        {
            return new TriageVerdict("notification", Automated, $"Auto-Submitted: {mail.AutoSubmitted}");
        }

        // A list of people talking (replies, personal addresses) is no newsletter; marketing words are the model's call (spam?).
        var bulk = mail.Precedence?.Trim().ToLowerInvariant() is "bulk" or "list";
        if (mail.ListUnsubscribe is not null && (mail.ListId is not null || bulk)
            && !MailSignals.IsReply(mail) && !(mail.ListId is not null && MailSignals.FromPerson(mail)) && !MailSignals.LooksLikeMarketing(mail))
        {
            return new TriageVerdict("newsletter", ListHeaders, mail.ListId is not null ? $"a list ({mail.ListId}) with an unsubscribe link" : $"bulk mail (Precedence: {mail.Precedence}) with an unsubscribe link");
        }

        return null;
    }

    /// <summary>A stable 1-in-10 sample by Message-ID, so a re-run makes the same choice.</summary>
    private static bool Rechecked(MailSummary mail)
    {
        var hash = 2166136261u;
        foreach (var c in mail.Id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % RecheckOneIn == 0;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern.ToLowerInvariant()).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
