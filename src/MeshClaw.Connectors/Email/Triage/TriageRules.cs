using System.Text.RegularExpressions;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Triage;

/// <summary>
/// The deterministic first pass of triage, costing no tokens, in this order: the user's own rules; alerts (flagged,
/// whatever else is known); the user's corrections for this list or sender; rules the user accepted from a dream (for
/// quiet mail only, and not once the user corrected one twice for the sender); header rules that know what they do not
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
    public const string KnownDomain = DomainVerdict.RuleSource;
    public const string Alert = "rule:alert";
    public const string Correction = "correction";

    /// <summary>One learned-sender verdict in this many goes to the model anyway, so a changed habit is noticed.</summary>
    public const int RecheckOneIn = 10;

    public static TriageVerdict? Classify(MailSummary mail, IReadOnlyList<TriageRule> userRules, SenderKnowledge knowledge, IReadOnlyList<string>? ownerNames = null,
        IReadOnlyList<LearnedRule>? learned = null)
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

        if (MailSignals.WantsAttention(mail, ownerNames))
        {
            // A question, a deadline, the user's name: the model decides, and may draft a reply.
            return null;
        }

        if (knowledge.Correction is not null)
        {
            // Moved back to the inbox by the user: quiet mail stays there (its opening lines are still read for a question).
            return new TriageVerdict("fyi", Correction, $"you moved {(knowledge.Correction.ListId is not null && knowledge.Correction.ListId == mail.ListId ? "this list's" : "this sender's")} mail back to the inbox");
        }

        if (learned?.FirstOrDefault(r => r.Matches(mail.FromAddress, mail.ListId) && !knowledge.SuspendedRules.Contains(r.Source)) is { } accepted)
        {
            return new TriageVerdict(accepted.Category, accepted.Source, $"rule {accepted.Id} you accepted: {accepted.Evidence}");
        }

        if (Headers(mail) is { } byHeaders && !knowledge.SuspendedRules.Contains(byHeaders.Source))
        {
            return byHeaders;
        }

        var history = knowledge.ModelHistory;
        var needed = history.Count > 0 ? VerdictsToLearn(history[0]) : int.MaxValue;
        if (history.Count >= needed && history.Take(needed).Distinct().Count() == 1 && history[0] is not ("urgent" or "needs-reply")
            && !knowledge.SuspendedRules.Contains(KnownSender) && !Rechecked(mail) && (history[0] == "spam" || !MailSignals.LooksLikeMarketing(mail)))
        {
            return new TriageVerdict(history[0], KnownSender, $"the model filed this {(mail.ListId is null ? "sender" : "sender's or list")}'s last {needed} messages as {history[0]}");
        }

        return history.All(c => c == "fyi") ? KnownDomainVerdict(mail, knowledge) : null;
    }

    /// <summary>
    /// People at one organisation (not a freemail provider) whose quiet mail the model kept in the inbox: the last
    /// three such verdicts (or the user's moves back to the inbox), from at least two of them, with no mail of the
    /// domain moved out of the inbox lately, keep a newcomer's quiet mail in the inbox too. It only ever says fyi,
    /// which moves nothing.
    /// </summary>
    private static TriageVerdict? KnownDomainVerdict(MailSummary mail, SenderKnowledge knowledge)
    {
        if (mail.ListId is not null || !MailSignals.FromPerson(mail) || MailSignals.FromFreemail(mail) || MailSignals.LooksLikeMarketing(mail)
            || knowledge.SuspendedRules.Contains(KnownDomain) || knowledge.DomainHistory.Any(v => v.MovedAway) || Rechecked(mail))
        {
            return null;
        }

        var evidence = knowledge.DomainHistory.Where(v => v.Source == "model" && MailSignals.FromPerson(v.Sender)).Take(3).ToList();
        return evidence.Count == 3 && evidence.All(v => v.KeptInInbox) && evidence.Select(v => v.Sender).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 2
            ? new TriageVerdict("fyi", KnownDomain, $"people at {TriageKnowledge.DomainOf(mail.FromAddress)} write to you: the model kept their last 3 quiet messages in the inbox")
            : null;
    }

    /// <summary>
    /// How many agreeing quiet verdicts make a habit: a verdict that files mail out of sight needs three, so one model
    /// error never hides a sender's mail; one that leaves it in the inbox, unflagged, hides nothing and needs two.
    /// </summary>
    public static int VerdictsToLearn(string category) => category == "fyi" ? 2 : 3;

    /// <summary>A verdict from habit (a learned sender or domain, mail the user keeps in the inbox): its opening lines are read before it stands.</summary>
    public static bool IsHabit(TriageVerdict verdict) =>
        verdict.Source is KnownSender or KnownDomain || verdict.Source.StartsWith(LearnedRule.SourcePrefix, StringComparison.Ordinal)
        || (verdict.Source == Correction && verdict.Category == "fyi");

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

    internal static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern.ToLowerInvariant()).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
