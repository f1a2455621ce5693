using MeshClaw.Connectors.Email;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Notices new mail by polling each account's INBOX (its UIDNEXT) and raises <c>email.received</c>, which
/// starts the inbox agent. Polling works with every server; a server that is down is retried at the next poll.
/// </summary>
public sealed class MailWatcher(ConfigSource config, MailConnections mail, TriggerScheduler scheduler, TimeProvider time, ILogger<MailWatcher> logger)
{
    private readonly Dictionary<string, uint> _highest = new(StringComparer.Ordinal);

    public async Task RunAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            do
            {
                await PollAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var account in config.Current().Config.Email.Accounts.Values)
        {
            try
            {
                var highest = await mail.For(account).UidNextAsync("INBOX", cancellationToken);
                if (_highest.TryGetValue(account.Name, out var seen) && highest > seen)
                {
                    scheduler.Raise("email.received", $"new mail in {account.Name}");
                }

                _highest[account.Name] = highest;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Cannot check account {Account} for new mail: {Error}", account.Name, ex.Message);
            }
        }
    }
}
