using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace MeshClaw.Connectors.Email;

/// <summary>The mail operations MeshClaw's tools and triage use, over one account's IMAP connection.</summary>
public sealed partial class Mailbox(ImapConnection connection)
{
    /// <summary>Called after each chunk of a batch move lands (with how many moved so far): where fault tests cut the connection. Null in the gateway.</summary>
    public Func<int, Task>? AfterChunk { get; init; }

    private static readonly HeaderId[] TriageHeaders = [HeaderId.ListUnsubscribe, HeaderId.ListId, HeaderId.Precedence, HeaderId.AutoSubmitted];

    public EmailAccount Account => connection.Account;

    public Task<IReadOnlyList<string>> FoldersAsync(CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: cancellationToken);
        return (IReadOnlyList<string>)[.. folders.Select(f => f.FullName).Prepend(client.Inbox.FullName).Distinct().Order(StringComparer.Ordinal)];
    }, cancellationToken);

    /// <summary>Summaries of a folder's messages in UID order, from after <paramref name="afterUid"/> (for paging), at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<MailSummary>> ListAsync(string folderName, bool unreadOnly, int limit, CancellationToken cancellationToken, uint afterUid = 0) => connection.UseAsync(async client =>
    {
        var folder = (await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken, fresh: true))!;
        var uids = await folder.SearchAsync(unreadOnly ? SearchQuery.NotSeen : SearchQuery.All, cancellationToken);
        var chosen = uids.Where(u => u.Id > afterUid).OrderBy(u => u.Id).Take(limit).ToList();
        if (chosen.Count == 0)
        {
            return (IReadOnlyList<MailSummary>)[];
        }

        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, TriageHeaders);
        var summaries = await folder.FetchAsync(chosen, request, cancellationToken);
        return (IReadOnlyList<MailSummary>)[.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => Summary(s, folder.UidValidity))];
    }, cancellationToken);

    private static MailSummary Summary(IMessageSummary s, uint uidValidity)
    {
        var envelope = s.Envelope ?? new Envelope();
        var from = envelope.From.Mailboxes.FirstOrDefault();
        return new MailSummary(
            MessageRef.Of(envelope.MessageId, uidValidity, s.UniqueId.Id), s.UniqueId.Id,
            from?.ToString() ?? "(no sender)", from?.Address?.ToLowerInvariant() ?? "",
            envelope.Subject ?? "", envelope.Date ?? s.InternalDate ?? DateTimeOffset.MinValue,
            s.Flags?.HasFlag(MessageFlags.Seen) == true, s.Flags?.HasFlag(MessageFlags.Flagged) == true, s.Size ?? 0,
            s.Headers?[HeaderId.ListUnsubscribe], s.Headers?[HeaderId.Precedence], s.Headers?[HeaderId.AutoSubmitted], envelope.InReplyTo,
            MailSummary.ListIdentifier(s.Headers?[HeaderId.ListId]));
    }

    /// <summary>Reads a message; a UID hint from a listing saves the search, and is checked against the Message-ID.</summary>
    public Task<MimeMessage> ReadAsync(string folderName, string id, CancellationToken cancellationToken, uint? uidHint = null) => connection.UseAsync(async client =>
    {
        var folder = (await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken))!;
        if (uidHint is { } hint)
        {
            var hinted = await folder.GetMessageAsync(new UniqueId(folder.UidValidity, hint), cancellationToken);
            if (MessageRef.TryParseUid(id, out _, out _) || hinted.MessageId == id)
            {
                return hinted;
            }
        }

        var uid = await LocateAsync(folder, id, cancellationToken) ?? throw new MailNotFoundException(folderName, id);
        return await folder.GetMessageAsync(uid, cancellationToken);
    }, cancellationToken);

    /// <summary>
    /// Moves many messages of one folder with as few commands as possible: UIDs are found for all ids at once
    /// (one FETCH of envelopes, a SEARCH only for ids not found that way), then moved in chunks of 100.
    /// Returns each moved message's id in the destination, and the ids that were no longer there.
    /// </summary>
    public Task<(IReadOnlyList<(string Id, string NewId)> Moved, IReadOnlyList<string> Missing)> MoveManyAsync(
        string fromName, IReadOnlyList<string> ids, string toName, CancellationToken cancellationToken) => connection.ChangeAsync($"the move of {ids.Count} message(s) to {toName}", async client =>
    {
        var destination = (await GetFolderAsync(client, toName, cancellationToken, createIfMissing: true))!;
        var source = (await OpenAsync(client, fromName, FolderAccess.ReadWrite, cancellationToken))!;
        var all = await source.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken);
        var byId = new Dictionary<string, UniqueId>(StringComparer.Ordinal);
        foreach (var summary in all)
        {
            byId.TryAdd(MessageRef.Of(summary.Envelope?.MessageId, source.UidValidity, summary.UniqueId.Id), summary.UniqueId);
        }

        var found = ids.Where(byId.ContainsKey).Select(id => (Id: id, Uid: byId[id])).ToList();
        var missing = ids.Where(id => !byId.ContainsKey(id)).ToList();
        var moved = new List<(string, string)>();
        foreach (var chunk in found.Chunk(100))
        {
            var map = await source.MoveToAsync([.. chunk.Select(c => c.Uid)], destination, cancellationToken);
            foreach (var (id, uid) in chunk)
            {
                var newId = MessageRef.TryParseUid(id, out _, out _) && map.TryGetValue(uid, out var newUid) ? MessageRef.Of(null, newUid.Validity, newUid.Id) : id;
                moved.Add((id, newId));
            }

            if (AfterChunk is { } afterChunk)
            {
                await afterChunk(moved.Count);
            }
        }

        return ((IReadOnlyList<(string, string)>)moved, (IReadOnlyList<string>)missing);
    }, cancellationToken);

    public Task<bool> ContainsAsync(string folderName, string id, CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folder = await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken, createIfMissing: false, throwIfMissing: false, fresh: true);
        return folder is not null && await LocateAsync(folder, id, cancellationToken) is not null;
    }, cancellationToken);

    /// <summary>The UID the next message will get: cheap to ask, and it grows when mail arrives.</summary>
    public Task<uint> UidNextAsync(string folderName, CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folder = (await GetFolderAsync(client, folderName, cancellationToken))!;
        await folder.StatusAsync(StatusItems.UidNext, cancellationToken);
        return folder.UidNext?.Id ?? 0;
    }, cancellationToken);

    public Task<int> CountAsync(string folderName, CancellationToken cancellationToken) => connection.UseAsync(async client =>
        (await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken, fresh: true))!.Count, cancellationToken);

    /// <summary>Moves a message; returns the id it has in the destination (new only for mail without a Message-ID).</summary>
    public Task<string> MoveAsync(string fromName, string id, string toName, CancellationToken cancellationToken, bool createDestination = false) => connection.ChangeAsync($"the move of {id} to {toName}", async client =>
    {
        var destination = await GetFolderAsync(client, toName, cancellationToken, createIfMissing: createDestination || toName == Account.QuarantineFolder);
        var source = (await OpenAsync(client, fromName, FolderAccess.ReadWrite, cancellationToken))!;
        var uid = await LocateAsync(source, id, cancellationToken) ?? throw new MailNotFoundException(fromName, id);
        var moved = await source.MoveToAsync(uid, destination!, cancellationToken);
        if (!MessageRef.TryParseUid(id, out _, out _))
        {
            return id;
        }

        await destination!.StatusAsync(StatusItems.UidValidity, cancellationToken);
        return moved is { } newUid ? MessageRef.Of(null, destination.UidValidity, newUid.Id) : id;
    }, cancellationToken);

    public Task FlagAsync(string folderName, string id, MessageFlags flag, bool set, CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folder = (await OpenAsync(client, folderName, FolderAccess.ReadWrite, cancellationToken))!;
        var uid = await LocateAsync(folder, id, cancellationToken) ?? throw new MailNotFoundException(folderName, id);
        if (set)
        {
            await folder.AddFlagsAsync(uid, flag, true, cancellationToken);
        }
        else
        {
            await folder.RemoveFlagsAsync(uid, flag, true, cancellationToken);
        }

        return true;
    }, cancellationToken);

    public Task<bool> HasFlagAsync(string folderName, string id, MessageFlags flag, CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folder = (await OpenAsync(client, folderName, FolderAccess.ReadOnly, cancellationToken))!;
        var uid = await LocateAsync(folder, id, cancellationToken) ?? throw new MailNotFoundException(folderName, id);
        var summary = await folder.FetchAsync([uid], MessageSummaryItems.Flags, cancellationToken);
        return summary.Single().Flags?.HasFlag(flag) == true;
    }, cancellationToken);

    /// <summary>Saves a message in the Drafts folder (found by its special use).</summary>
    public Task<string> AppendDraftAsync(MimeMessage draft, CancellationToken cancellationToken) => connection.ChangeAsync("saving the draft", async client =>
    {
        var drafts = client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) ? client.GetFolder(SpecialFolder.Drafts) : null;
        drafts ??= await GetFolderAsync(client, "Drafts", cancellationToken, createIfMissing: true);
        await drafts!.AppendAsync(new AppendRequest(draft, MessageFlags.Draft | MessageFlags.Seen), cancellationToken);
        return drafts.FullName;
    }, cancellationToken);

    public Task<string> SpecialFolderAsync(SpecialFolder special, string fallback, CancellationToken cancellationToken) => connection.UseAsync(async client =>
    {
        var folder = client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) ? client.GetFolder(special) : null;
        return folder?.FullName ?? (await GetFolderAsync(client, fallback, cancellationToken, createIfMissing: false))!.FullName;
    }, cancellationToken);

    /// <summary>Removes for good the given messages of a folder (the quarantine purge).</summary>
    public Task<int> PurgeAsync(string folderName, IReadOnlyList<string> ids, CancellationToken cancellationToken) => connection.ChangeAsync($"the purge of {ids.Count} message(s) from {folderName}", async client =>
    {
        var folder = await OpenAsync(client, folderName, FolderAccess.ReadWrite, cancellationToken, createIfMissing: false, throwIfMissing: false);
        if (folder is null)
        {
            return 0;
        }

        var uids = new List<UniqueId>();
        foreach (var id in ids)
        {
            if (await LocateAsync(folder, id, cancellationToken) is { } uid)
            {
                uids.Add(uid);
            }
        }

        if (uids.Count > 0)
        {
            await folder.AddFlagsAsync(uids, MessageFlags.Deleted, true, cancellationToken);
            await folder.ExpungeAsync(uids, cancellationToken);
        }

        return uids.Count;
    }, cancellationToken);

    private static async Task<UniqueId?> LocateAsync(IMailFolder folder, string id, CancellationToken cancellationToken)
    {
        if (MessageRef.TryParseUid(id, out var validity, out var uid))
        {
            return validity == folder.UidValidity ? new UniqueId(validity, uid) : null;
        }

        // The server's search matches substrings: keep only the message whose Message-ID is exactly this one.
        var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", id), cancellationToken);
        if (found.Count == 0)
        {
            return null;
        }

        var envelopes = await folder.FetchAsync(found, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken);
        var exact = envelopes.Where(e => string.Equals(e.Envelope?.MessageId?.Trim('<', '>', ' '), id, StringComparison.Ordinal)).ToList();
        return exact.Count == 1 ? exact[0].UniqueId : null;
    }

    /// <param name="fresh">
    /// For a listing or a count: a folder that stayed selected on the reused connection shows the server's view as of the
    /// last command, so mail that arrived since is missing until a NOOP lets the server report it.
    /// </param>
    private async Task<IMailFolder?> OpenAsync(ImapClient client, string name, FolderAccess access, CancellationToken cancellationToken,
        bool createIfMissing = false, bool throwIfMissing = true, bool fresh = false)
    {
        var folder = await GetFolderAsync(client, name, cancellationToken, createIfMissing, throwIfMissing);
        if (folder is not null && (!folder.IsOpen || (access == FolderAccess.ReadWrite && folder.Access != FolderAccess.ReadWrite)))
        {
            await folder.OpenAsync(access, cancellationToken);
        }
        else if (folder is not null && fresh)
        {
            await client.NoOpAsync(cancellationToken);
        }

        return folder;
    }

    private async Task<IMailFolder?> GetFolderAsync(ImapClient client, string name, CancellationToken cancellationToken, bool createIfMissing = false, bool throwIfMissing = true)
    {
        if (name.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }

        try
        {
            return await client.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException) when (createIfMissing)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, true, cancellationToken);
        }
        catch (FolderNotFoundException) when (throwIfMissing)
        {
            throw new MailConnectionException("folder", $"the folder '{name}' does not exist in account '{Account.Name}'");
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }
}
