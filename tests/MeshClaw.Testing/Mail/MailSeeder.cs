using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace MeshClaw.Testing.Mail;

/// <summary>Puts messages into a test mailbox over IMAP (MailKit has no LMTP client) and reads mailboxes back for assertions.</summary>
public sealed class MailSeeder(MailServer server, string user, string password) : IAsyncDisposable
{
    private ImapClient? _client;

    /// <summary>Drops the connection (after the server was restarted); the next call logs in again.</summary>
    public void Reset()
    {
        _client?.Dispose();
        _client = null;
    }

    private async Task<ImapClient> ClientAsync()
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }

        _client = new ImapClient();
        await _client.ConnectAsync(server.Host, server.ImapPort, SecureSocketOptions.None);
        await _client.AuthenticateAsync(user, password);
        return _client;
    }

    public async Task<IMailFolder> FolderAsync(string name, bool create = true)
    {
        var client = await ClientAsync();
        if (name.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }

        try
        {
            return (await client.GetFolderAsync(name))!;
        }
        catch (FolderNotFoundException) when (create)
        {
            return (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true))!;
        }
    }

    public async Task AppendAsync(string folder, params MimeMessage[] messages)
    {
        var target = await FolderAsync(folder);
        foreach (var message in messages)
        {
            await target.AppendAsync(message, MessageFlags.None);
        }
    }

    public async Task AppendRawAsync(string folder, byte[] raw)
    {
        var target = await FolderAsync(folder);
        using var stream = new MemoryStream(raw);
        await target.AppendAsync(await MimeMessage.LoadAsync(stream), MessageFlags.None);
    }

    /// <summary>Subjects in a folder, in order; the folder may not exist yet (then none).</summary>
    public async Task<IReadOnlyList<(string Subject, string? MessageId, MessageFlags Flags)>> ContentsAsync(string folder)
    {
        IMailFolder target;
        try
        {
            target = await FolderAsync(folder, create: false);
        }
        catch (FolderNotFoundException)
        {
            return [];
        }

        await target.OpenAsync(FolderAccess.ReadOnly);
        if (target.Count == 0)
        {
            await target.CloseAsync();
            return [];
        }

        var items = await target.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        await target.CloseAsync();
        return [.. items.Select(i => (i.Envelope?.Subject ?? "", i.Envelope?.MessageId, i.Flags ?? MessageFlags.None))];
    }

    public async Task<MimeMessage> FirstMessageAsync(string folder)
    {
        var target = await FolderAsync(folder, create: false);
        await target.OpenAsync(FolderAccess.ReadOnly);
        var message = await target.GetMessageAsync(0);
        await target.CloseAsync();
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true })
        {
            await _client.DisconnectAsync(true);
        }

        _client?.Dispose();
    }
}
