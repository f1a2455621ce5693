using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Inbox;

/// <summary>
/// Notices what the user re-sorted since the last pass: every message triage decided in the last two weeks is looked
/// up by Message-ID in the inbox and the folders triage files into, and one found somewhere other than where triage
/// (or the user's last correction) left it is a correction. The folders are listed through <c>email_list</c>, so the
/// agent's grants and mail folders apply; a folder holding filed mail that cannot be listed skips the check for
/// this pass rather than guess (one that holds none may simply not exist yet). Messages without a Message-ID, found
/// in two folders, or not found at all (deleted, or moved to a folder triage does not file into) teach nothing.
/// </summary>
public static class CorrectionWatch
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(14);

    public static async Task<IReadOnlyList<MailCorrection>> FindAsync(RunContext run, EmailAccount account, EmailSettings settings, IReadOnlyList<MailSummary> inbox,
        ITriageStore store, CancellationToken cancellationToken)
    {
        var filed = await store.FiledSinceAsync(account.Name, run.Time.GetUtcNow() - Window, cancellationToken);
        if (filed.Count == 0)
        {
            return [];
        }

        var folders = settings.Folders.Values.Concat(filed.Select(f => f.Location))
            .Where(f => !f.Equals(MailCorrection.Inbox, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
        var where = new Dictionary<string, string?>(StringComparer.Ordinal);
        Note(where, inbox, MailCorrection.Inbox);
        foreach (var folder in folders)
        {
            if ((await InboxTriage.ListFolderAsync(run, account, folder, cancellationToken)).Messages is { } messages)
            {
                Note(where, messages, folder);
            }
            else if (filed.Any(f => f.Location == folder))
            {
                // Mail triage filed there cannot be seen: better to learn nothing this pass than to take it for moved.
                return [];
            }
        }

        var categoryOf = settings.Folders.GroupBy(f => f.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        var corrections = new List<MailCorrection>();
        foreach (var mail in filed)
        {
            if (where.TryGetValue(mail.MessageId, out var now) && now is not null && !now.Equals(mail.Location, StringComparison.Ordinal)
                && (now == MailCorrection.Inbox || categoryOf.ContainsKey(now)))
            {
                corrections.Add(new MailCorrection(account.Name, mail.MessageId, mail.Sender, mail.ListId, mail.Subject, mail.Location, now,
                    now == MailCorrection.Inbox ? null : categoryOf[now], mail.Source, run.Id.Value, run.Agent.Name, run.Time.GetUtcNow()));
            }
        }

        return corrections;
    }

    /// <summary>Where each message is; null for one found in two places (nothing is learned from it).</summary>
    private static void Note(Dictionary<string, string?> where, IEnumerable<MailSummary> messages, string folder)
    {
        foreach (var message in messages.Where(m => !MessageRef.TryParseUid(m.Id, out _, out _)))
        {
            where[message.Id] = where.ContainsKey(message.Id) ? null : folder;
        }
    }
}
