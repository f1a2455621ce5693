using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// One logged-in IMAP session per account, used by one caller at a time. A read whose connection dropped is tried
/// again once on a fresh connection, so a server that goes away mid-run costs a reconnect, not the run. A change
/// (move, append, expunge) is never repeated blindly: the connection is checked alive first, and when it drops during
/// the change the caller is told it may or may not have happened, so it can look before doing anything again.
/// </summary>
public sealed class ImapConnection(EmailAccount account, Func<string, string?> secret) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImapClient? _client;

    public EmailAccount Account => account;

    /// <summary>Runs an operation that reads only: safe to try again on a new connection.</summary>
    public async Task<T> UseAsync<T>(Func<ImapClient, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var client = await ConnectedAsync(cancellationToken);
                    return await work(client);
                }
                catch (Exception ex) when (attempt == 0 && IsConnectionLoss(ex))
                {
                    Drop();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs an operation that changes the mailbox, at most once: on a connection known to be alive, never retried.</summary>
    public async Task<T> ChangeAsync<T>(string what, Func<ImapClient, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ImapClient client;
            try
            {
                // A NOOP finds a connection the server dropped since it was last used, before the change is sent on it.
                client = await ConnectedAsync(cancellationToken);
                await client.NoOpAsync(cancellationToken);
            }
            catch (Exception ex) when (IsConnectionLoss(ex))
            {
                Drop();
                client = await ConnectedAsync(cancellationToken);
            }

            try
            {
                return await work(client);
            }
            catch (Exception ex) when (IsConnectionLoss(ex))
            {
                Drop();
                throw new MailConnectionException("connection", $"the connection to {account.ImapHost} was lost during {what}; it may or may not have taken effect", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is ServiceNotConnectedException or IOException or SocketException or ImapProtocolException
        || ex.InnerException is IOException or SocketException;

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    private async Task<ImapClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true, IsAuthenticated: true })
        {
            return _client;
        }

        Drop();
        _client = await OpenAsync(account, secret, cancellationToken);
        return _client;
    }

    /// <summary>Connects and logs in, turning each kind of failure into a message that names the step.</summary>
    public static async Task<ImapClient> OpenAsync(EmailAccount account, Func<string, string?> secret, CancellationToken cancellationToken)
    {
        var password = secret(account.PasswordSecret)
            ?? throw new MailConnectionException("password", $"the secret '{account.PasswordSecret}' is not set; run: meshclaw secrets set {account.PasswordSecret}");

        // Refused before connecting: nothing is sent to a server the password would cross the network to in clear text.
        if (account.ImapTls == MailTls.None && !MailTransport.IsLoopback(account.ImapHost))
        {
            throw new MailConnectionException("TLS", $"refusing to send the password for '{account.User}' in clear text to {account.ImapHost}; use imapTls ssl (port 993) or starttls (port 143). Plain text is allowed only to a server on this machine");
        }

        var client = new ImapClient { Timeout = 30_000 };
        try
        {
            await client.ConnectAsync(account.ImapHost, account.ImapPort, Tls(account.ImapTls), cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
        {
            client.Dispose();
            throw new MailConnectionException("DNS", $"the host '{account.ImapHost}' cannot be found", ex);
        }
        catch (SocketException ex)
        {
            client.Dispose();
            throw new MailConnectionException("connect", $"{account.ImapHost}:{account.ImapPort} does not answer ({ex.SocketErrorCode})", ex);
        }
        catch (SslHandshakeException ex)
        {
            client.Dispose();
            throw new MailConnectionException("TLS", $"the TLS handshake with {account.ImapHost}:{account.ImapPort} failed ({ex.Message.Split('\n')[0]}); check the port and tls mode", ex);
        }
        catch (NotSupportedException ex)
        {
            client.Dispose();
            throw new MailConnectionException("TLS", $"{account.ImapHost}:{account.ImapPort} does not offer STARTTLS; use tls 'ssl' on port 993", ex);
        }

        try
        {
            if (account.OAuth2)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(account.User, password), cancellationToken);
            }
            else
            {
                await client.AuthenticateAsync(account.User, password, cancellationToken);
            }
        }
        catch (AuthenticationException ex)
        {
            client.Dispose();
            throw new MailConnectionException("login", $"the server refused user '{account.User}' with this password ({ex.Message})", ex);
        }

        return client;
    }

    public static SecureSocketOptions Tls(MailTls tls) => tls switch
    {
        MailTls.Ssl => SecureSocketOptions.SslOnConnect,
        MailTls.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                await client.DisconnectAsync(true);
            }
            catch (Exception ex) when (ex is IOException or ImapProtocolException or SocketException)
            {
                // Closing anyway.
            }
        }

        Drop();
        _gate.Dispose();
    }
}
