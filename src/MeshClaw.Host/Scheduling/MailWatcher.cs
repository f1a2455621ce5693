using MailKit;
using MailKit.Net.Imap;
using MeshClaw.Connectors.Email;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Notices new mail and raises <c>email.received</c>, which starts the inbox agent. Where the server has IDLE,
/// a dedicated connection waits for it to announce new messages (re-issued every 9 minutes, as RFC 2177 asks);
/// otherwise the INBOX's UIDNEXT is polled. A server that goes away is retried after a pause.
/// </summary>
public sealed class MailWatcher(ConfigSource config, MailConnections mail, TriggerScheduler scheduler, TimeProvider time, ILogger<MailWatcher> logger)
{
    private readonly Dictionary<string, uint> _highest = new(StringComparer.Ordinal);

    public Task RunAsync(TimeSpan pollEvery, CancellationToken cancellationToken) =>
        Task.WhenAll(config.Current().Config.Email.Accounts.Values.Select(account => WatchAsync(account, pollEvery, cancellationToken)));

    private async Task WatchAsync(EmailAccount account, TimeSpan pollEvery, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await ImapConnection.OpenAsync(account, name => mail.Secret(name), cancellationToken);
                if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    await IdleAsync(client, account, cancellationToken);
                }
                else
                {
                    await PollAsync(account, pollEvery, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Watching account {Account} for new mail failed ({Error}); trying again shortly", account.Name, ex.Message);
                try
                {
                    await Task.Delay(pollEvery, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task IdleAsync(ImapClient client, EmailAccount account, CancellationToken cancellationToken)
    {
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var arrived = 0;
        inbox.CountChanged += (_, _) => Interlocked.Increment(ref arrived);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            done.CancelAfter(TimeSpan.FromMinutes(9));
            using var stopOnMail = new Timer(_ =>
            {
                if (Volatile.Read(ref arrived) > 0)
                {
                    done.Cancel();
                }
            }, null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
            await client.IdleAsync(done.Token, cancellationToken);
            if (Interlocked.Exchange(ref arrived, 0) > 0)
            {
                scheduler.Raise("email.received", $"new mail in {account.Name}");
            }
        }
    }

    private async Task PollAsync(EmailAccount account, TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, time);
        do
        {
            var highest = await mail.For(account).UidNextAsync("INBOX", cancellationToken);
            if (_highest.TryGetValue(account.Name, out var seen) && highest > seen)
            {
                scheduler.Raise("email.received", $"new mail in {account.Name}");
            }

            _highest[account.Name] = highest;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
