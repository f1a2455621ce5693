using System.Collections.Concurrent;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Lifecycle;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// Watches the folders triage files into (Newsletters, Notifications, Junk...) so a correction is learned at once: mail
/// the user drags into one of them raises <c>email.received</c>, and the inbox agent's next pass finds the move. Mail
/// MeshClaw itself filed there raises nothing: its journal holds the intent (written before the move), so the watcher
/// can tell its own moves from the user's without a race. One connection per folder waits with
/// <see cref="FolderArrivals"/>; a folder that does not exist yet is looked for again at the polling interval.
/// </summary>
public sealed class FilingFolderWatcher(ICurrentConfig config, MailConnections mail, IActionJournal journal, ITriggerEvents events, TimeProvider time,
    ILogger<FilingFolderWatcher> logger) : BackgroundService
{
    /// <summary>How far back the journal is searched for MeshClaw's own moves into a folder.</summary>
    private static readonly TimeSpan OwnMovesWindow = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(string Account, string Folder), uint> _uidNext = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = config.Sections.Get<EmailSettings>();
        var folders = settings.Folders.Values.Where(f => !f.Equals("INBOX", StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
        return Task.WhenAll(settings.Accounts.Values.SelectMany(account => folders.Select(folder => WatchAsync(account, folder, settings.PollEvery, stoppingToken))));
    }

    private async Task WatchAsync(EmailAccount account, string name, TimeSpan pollEvery, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await ImapConnection.OpenAsync(account, secret => mail.Secret(secret), cancellationToken);
                IMailFolder folder;
                try
                {
                    folder = await client.GetFolderAsync(name, cancellationToken);
                }
                catch (FolderNotFoundException)
                {
                    // Triage creates it when it first files there; until then there is nothing to correct.
                    await client.DisconnectAsync(true, cancellationToken);
                    await Task.Delay(pollEvery, time, cancellationToken);
                    continue;
                }

                await WatchFolderAsync(client, folder, account, pollEvery, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Watching folder {Folder} of account {Account} for corrections failed ({Error}); trying again shortly", name, account.Name, ex.Message);
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

    private async Task WatchFolderAsync(ImapClient client, IMailFolder folder, EmailAccount account, TimeSpan pollEvery, CancellationToken cancellationToken)
    {
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var key = (account.Name, folder.FullName);
        // Moves while the watcher was away (reconnecting) are looked at now; the first connection starts from here.
        if (_uidNext.TryGetValue(key, out var seen) && (folder.UidNext?.Id ?? 0) > seen)
        {
            await LookAtArrivalsAsync(folder, account, seen, cancellationToken);
        }

        _uidNext[key] = folder.UidNext?.Id ?? 0;
        await FolderArrivals.WaitAsync(client, folder, pollEvery, time, async token =>
        {
            var from = _uidNext[key];
            _uidNext[key] = Math.Max(from, await LookAtArrivalsAsync(folder, account, from, token) + 1);
        }, cancellationToken);
    }

    /// <summary>
    /// Arrivals from UID <paramref name="from"/> on: any that MeshClaw did not move there itself starts a triage pass.
    /// Returns the highest UID seen.
    /// </summary>
    private async Task<uint> LookAtArrivalsAsync(IMailFolder folder, EmailAccount account, uint from, CancellationToken cancellationToken)
    {
        // "from:*" names the newest message even when none is as new as that: hence the filter.
        var arrivals = (await folder.FetchAsync(new UniqueIdRange(folder.UidValidity, Math.Max(from, 1), uint.MaxValue), MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId, cancellationToken))
            .Where(a => a.UniqueId.Id >= from).ToList();
        if (arrivals.Count == 0)
        {
            return 0;
        }

        var own = await OwnMovesIntoAsync(folder.FullName, cancellationToken);
        var theirs = arrivals.Count(a => a.Envelope?.MessageId is not { } id || !own.Contains(id));
        if (theirs > 0)
        {
            await events.RaiseAsync("email.received", $"{theirs} message(s) moved into {folder.FullName} in {account.Name} (a correction to learn from)", null, cancellationToken);
        }

        return arrivals.Max(a => a.UniqueId.Id);
    }

    /// <summary>The Message-IDs MeshClaw's own recent moves sent into a folder, read from the journal's intents.</summary>
    private async Task<HashSet<string>> OwnMovesIntoAsync(string folder, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - OwnMovesWindow;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in await journal.RecentAsync(500, cancellationToken))
        {
            if (entry.At < since || entry.Tool is not ("email_file_batch" or "email_move"))
            {
                continue;
            }

            using var arguments = JsonDocument.Parse(entry.Arguments);
            var moves = arguments.RootElement.TryGetProperty("moves", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [arguments.RootElement];
            foreach (var move in moves)
            {
                if (move.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && move.TryGetProperty("to", out var to)
                    && to.ValueKind == JsonValueKind.String && string.Equals(to.GetString(), folder, StringComparison.OrdinalIgnoreCase))
                {
                    ids.Add(id.GetString()!);
                }
            }
        }

        return ids;
    }
}
