using System.Text.Json;
using MeshClaw.Connectors.Email;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Host.Configuration;
using MeshClaw.Storage.Journal;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Inbox;

/// <summary>
/// "Deleted" mail waits in the quarantine folder for the account's retention period (30 days by default), then is
/// removed for good. Each purge is audited and noted on the journal entry of the delete it ends.
/// </summary>
public sealed class QuarantinePurge(SqliteActionJournal journal, ConfigSource config, MailConnections mail, IAuditLog audit, TimeProvider time, ILogger<QuarantinePurge> logger)
{
    /// <summary>Purges at start and then every <paramref name="every"/> until the gateway stops.</summary>
    public async Task RunPeriodicallyAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            do
            {
                await RunAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var accounts = config.Current().Config.Email.Accounts;
        var purged = 0;
        foreach (var entry in (await journal.RecentAsync(100_000, cancellationToken)).Where(e => e.Tool == "email_delete" && e.Status == JournalStatus.Done && e.Undoes is null
            && e.Result?.Contains("purged from", StringComparison.Ordinal) != true && e.Result?.Contains("no longer in quarantine", StringComparison.Ordinal) != true))
        {
            using var args = JsonDocument.Parse(entry.Arguments);
            var accountName = args.RootElement.TryGetProperty("account", out var a) ? a.GetString() : null;
            var account = accountName is not null ? accounts.GetValueOrDefault(accountName) : accounts.Count == 1 ? accounts.Values.First() : null;
            if (account is null || entry.At > time.GetUtcNow().AddDays(-account.RetentionDays) || entry.Inverse is null)
            {
                continue;
            }

            var id = entry.Inverse.Arguments.GetProperty("id").GetString()!;
            try
            {
                var removed = await mail.For(account).PurgeAsync(account.QuarantineFolder, [id], cancellationToken);
                await journal.MarkAsync(entry.Id, JournalStatus.Done, removed > 0 ? $"purged from {account.QuarantineFolder} after {account.RetentionDays} days" : "no longer in quarantine", cancellationToken);
                await audit.AppendAsync(new AuditEvent("mail.purged", "meshclaw", entry.RunId, new { action = entry.Id, id, account = account.Name, removed }), cancellationToken);
                purged += removed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Cannot purge {Id} from {Account}: {Error}", id, account.Name, ex.Message);
            }
        }

        return purged;
    }
}
