using System.Text;
using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Inbox;

/// <summary>What a triage run decided, turned into the morning digest.</summary>
public sealed class TriageReport
{
    private readonly List<(MailSummary Mail, TriageVerdict Verdict, string? Folder)> _decided = [];

    public List<string> Drafts { get; } = [];
    public List<string> Unsorted { get; } = [];
    public List<MailCorrection> Corrections { get; } = [];
    /// <summary>Mail whose filing, flag or draft did not happen (a cut connection): not recorded as decided, so the next triage sees it again.</summary>
    public List<(MailSummary Mail, string What)> Unfinished { get; } = [];
    public int ByRules => _decided.Count(d => d.Verdict.Source != "model");
    public int ByModel => _decided.Count(d => d.Verdict.Source == "model");
    public int Total => _decided.Count + Unsorted.Count + Unfinished.Count;

    public void Add(MailSummary mail, TriageVerdict verdict, string? folder) => _decided.Add((mail, verdict, folder));

    public string SoFar() => _decided.Count == 0 ? "" : $" ({_decided.Count} message(s) were decided and filed before that)";

    public string Digest(string runId)
    {
        var text = new StringBuilder($"Inbox digest ({Total} new message(s); {ByRules} settled by rules at zero tokens, {ByModel} by the model)\n");
        Section(text, "Urgent", "urgent");
        Section(text, "Needs a reply", "needs-reply");
        if (Drafts.Count > 0)
        {
            text.AppendLine($"\nDrafts waiting in Drafts ({Drafts.Count}): {string.Join("; ", Drafts)}");
        }

        Section(text, "For your information", "fyi");
        foreach (var group in _decided.Where(d => d.Folder is not null).GroupBy(d => d.Folder!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"\nFiled in {group.Key}: {group.Count()}");
        }

        var held = _decided.Where(d => d.Folder is null && d.Verdict.Category is "newsletter" or "notification" or "spam").ToList();
        if (held.Count > 0)
        {
            text.AppendLine($"\nLeft in the inbox ({held.Count}): filing was not approved");
        }

        if (Corrections.Count > 0)
        {
            text.AppendLine($"\nLearned from your corrections ({Corrections.Count}):");
            foreach (var c in Corrections.Take(10))
            {
                text.AppendLine($"- {(c.ListId is not null ? $"list {c.ListId}" : c.Sender)}: you moved \"{c.Subject}\" from {c.FromFolder} to {c.ToFolder}; its mail now goes there");
            }
        }

        if (Unfinished.Count > 0)
        {
            text.AppendLine($"\nNot finished ({Unfinished.Count}), left for the next triage: {string.Join("; ", Unfinished.GroupBy(u => u.What).Select(g => $"{g.Count()} {g.Key}").Take(5))}");
        }

        if (Unsorted.Count > 0)
        {
            text.AppendLine($"\nNot sorted ({Unsorted.Count}): {string.Join("; ", Unsorted.Take(10))}");
        }

        text.AppendLine($"\n(run {runId}; undo with: meshclaw undo --run {runId})");
        return text.ToString();
    }

    private void Section(StringBuilder text, string title, string category)
    {
        var items = _decided.Where(d => d.Verdict.Category == category).ToList();
        if (items.Count == 0)
        {
            return;
        }

        text.AppendLine($"\n{title} ({items.Count}):");
        foreach (var (mail, verdict, _) in items)
        {
            text.AppendLine($"- {mail.From}: {mail.Subject} — {verdict.Reason}");
        }
    }
}
