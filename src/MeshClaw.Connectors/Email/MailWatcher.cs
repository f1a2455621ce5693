using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// Notices new mail and raises <c>email.received</c>, which starts the inbox agent. Where the server has IDLE, a
/// dedicated connection waits for it to announce new messages (<see cref="FolderArrivals"/>); otherwise the INBOX's
/// UIDNEXT is polled. Only arrivals count: mail leaving the INBOX (triage filing it) raises nothing. A server that goes
/// away is retried after a pause; nothing is raised while MeshClaw is paused.
/// </summary>
public sealed class MailWatcher(ICurrentConfig config, MailConnections mail, ITriggerEvents events, IPauseSwitch pause, TimeProvider time, ILogger<MailWatcher> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, uint> _highest = new(StringComparer.Ordinal);
    private DateTimeOffset _started;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = config.Sections.Get<EmailSettings>();
        _started = time.GetUtcNow();
        return Task.WhenAll(settings.Accounts.Values.Select(account => WatchAsync(account, settings.PollEvery, stoppingToken)));
    }

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
        // Mail that came while the watcher was connecting announces nothing: a UIDNEXT above the one seen at the last
        // connection, or at the first a message that arrived after MeshClaw started, raises it now (at worst one extra
        // triage pass, which finds everything decided and costs no tokens).
        var next = inbox.UidNext?.Id ?? 0;
        if (_highest.TryGetValue(account.Name, out var seen) ? next > seen : await ArrivedSinceStartAsync(inbox, cancellationToken))
        {
            await RaiseAsync(account, cancellationToken);
        }

        _highest[account.Name] = next;
        await FolderArrivals.WaitAsync(client, inbox, TimeSpan.FromMinutes(1), time, token => RaiseAsync(account, token), cancellationToken);
    }

    /// <summary>
    /// At the first connection, mail that landed while MeshClaw was starting (before the INBOX was looked at) would
    /// count as already there: the newest message's arrival time says whether it came after the start.
    /// </summary>
    private async Task<bool> ArrivedSinceStartAsync(IMailFolder inbox, CancellationToken cancellationToken)
    {
        if (inbox.Count == 0)
        {
            return false;
        }

        var newest = await inbox.FetchAsync(inbox.Count - 1, inbox.Count - 1, MessageSummaryItems.InternalDate, cancellationToken);
        // INTERNALDATE has whole seconds: a message of the start's own second counts as arrived after it.
        return newest.Count == 1 && newest[0].InternalDate is { } at && at >= _started.AddSeconds(-1);
    }

    private async Task PollAsync(EmailAccount account, TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, time);
        do
        {
            var highest = await mail.For(account).UidNextAsync("INBOX", cancellationToken);
            if (_highest.TryGetValue(account.Name, out var seen) && highest > seen)
            {
                await RaiseAsync(account, cancellationToken);
            }

            _highest[account.Name] = highest;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private Task RaiseAsync(EmailAccount account, CancellationToken cancellationToken) =>
        pause.IsPaused ? Task.CompletedTask : events.RaiseAsync("email.received", $"new mail in {account.Name}", null, cancellationToken);
}
