using System.Collections.Concurrent;

namespace MeshClaw.Connectors.Email;

/// <summary>The open IMAP connection of each account, shared by the email tools and triage, closed with the gateway.</summary>
public sealed class MailConnections(Func<string, string?> secret) : IAsyncDisposable
{
    /// <summary>Reads a secret by name (an account's password), for connections opened outside the pool.</summary>
    public string? Secret(string name) => secret(name);

    private readonly ConcurrentDictionary<string, (EmailAccount Account, ImapConnection Connection)> _open = new(StringComparer.Ordinal);

    /// <summary>A seam for fault tests: called after each chunk of a batch move lands. Null in the gateway.</summary>
    public Func<int, Task>? AfterChunk { get; set; }

    public Mailbox For(EmailAccount account)
    {
        ImapConnection? replaced = null;
        var entry = _open.AddOrUpdate(account.Name,
            _ => (account, new ImapConnection(account, secret)),
            (_, existing) =>
            {
                if (existing.Account == account)
                {
                    return existing;
                }

                replaced = existing.Connection;
                return (account, new ImapConnection(account, secret));
            });
        if (replaced is not null)
        {
            // The account's settings changed (config.json edited): the old session is logged out in the background.
            _ = replaced.DisposeAsync().AsTask();
        }

        return new Mailbox(entry.Connection) { AfterChunk = AfterChunk };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, connection) in _open.Values)
        {
            await connection.DisposeAsync();
        }
    }
}
