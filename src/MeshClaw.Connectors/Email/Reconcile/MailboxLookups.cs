using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MeshClaw.Connectors.Email;

/// <summary>The looks reconciliation takes at a mailbox: where messages are by Message-ID, and the repair of a half-done move.</summary>
public sealed partial class Mailbox
{
    /// <summary>
    /// The UIDs each of <paramref name="ids"/> has in a folder (none when absent; two when a move was cut between its copy
    /// and its expunge and the message came back). One FETCH of envelopes for the whole folder; safe to repeat.
    /// </summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<UniqueId>>> WhereaboutsAsync(string folderName, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        connection.UseAsync(async client =>
        {
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            var found = new Dictionary<string, IReadOnlyList<UniqueId>>(StringComparer.Ordinal);
            var folder = await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken, throwIfMissing: false, fresh: true);
            if (folder is null || folder.Count == 0)
            {
                return (IReadOnlyDictionary<string, IReadOnlyList<UniqueId>>)found;
            }

            var all = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken);
            foreach (var group in all.GroupBy(s => MessageRef.Of(s.Envelope?.MessageId, folder.UidValidity, s.UniqueId.Id), StringComparer.Ordinal))
            {
                if (wanted.Contains(group.Key))
                {
                    found[group.Key] = [.. group.Select(s => s.UniqueId)];
                }
            }

            return (IReadOnlyDictionary<string, IReadOnlyList<UniqueId>>)found;
        }, cancellationToken);

    /// <summary>Removes the given copies from a folder (the source half of a move cut between its copy and its expunge).</summary>
    public Task<int> RemoveCopiesAsync(string folderName, IList<UniqueId> uids, CancellationToken cancellationToken) =>
        connection.ChangeAsync($"removing {uids.Count} copies left in {folderName} by a cut move", async client =>
        {
            var folder = (await OpenAsync(client, folderName, FolderAccess.ReadWrite, cancellationToken))!;
            await folder.AddFlagsAsync(uids, MessageFlags.Deleted, true, cancellationToken);
            await folder.ExpungeAsync(uids, cancellationToken);
            return uids.Count;
        }, cancellationToken);

    /// <summary>
    /// The Message-IDs of messages in a folder whose header <paramref name="header"/> is exactly <paramref name="value"/>
    /// (a draft's action mark, or its In-Reply-To). The server's search matches substrings; this keeps only exact ones.
    /// </summary>
    public Task<IReadOnlyList<(string Id, string? Mark)>> FindByHeaderAsync(string folderName, string header, string value, string markHeader, CancellationToken cancellationToken) =>
        connection.UseAsync(async client =>
        {
            var folder = await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken, throwIfMissing: false, fresh: true);
            if (folder is null)
            {
                return (IReadOnlyList<(string, string?)>)[];
            }

            var uids = await folder.SearchAsync(SearchQuery.HeaderContains(header, value), cancellationToken);
            if (uids.Count == 0)
            {
                return (IReadOnlyList<(string, string?)>)[];
            }

            var summaries = await folder.FetchAsync(uids, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, [header, markHeader]), cancellationToken);
            return (IReadOnlyList<(string, string?)>)[.. summaries
                .Where(s => string.Equals(s.Headers?[header]?.Trim().Trim('<', '>'), value.Trim('<', '>'), StringComparison.Ordinal))
                .Select(s => (MessageRef.Of(s.Envelope?.MessageId, folder.UidValidity, s.UniqueId.Id), s.Headers?[markHeader]?.Trim()))];
        }, cancellationToken);

    /// <summary>The Drafts folder's name (by its special use, else "Drafts").</summary>
    public Task<string> DraftsFolderAsync(CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var drafts = client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) ? client.GetFolder(SpecialFolder.Drafts) : null;
        return drafts?.FullName ?? "Drafts";
    }, cancellationToken);
}
