using System.Text.Json;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;

namespace MeshClaw.Connectors.Email.Inbox;

/// <summary>
/// "Deleted" mail waits in the quarantine folder for the account's retention period (30 days by default), then is
/// removed for good. This runs as a system run every few hours: through the executor (so pause, the journal and the
/// audit log apply), with the one grant it needs, and only when a delete's retention has passed. The delete it ends
/// becomes permanent in the journal (and the audit log says so): it can no longer be undone, and undo says why.
/// </summary>
public sealed class QuarantinePurge(IActionJournal journal, IAuditLog audit, ICurrentConfig config, TimeProvider time) : ISystemProcedure
{
    private const int MaxPerRun = 5_000;

    public string Name => "quarantine-purge";
    public const string AgentName = "system.quarantine-purge";

    public string Agent => AgentName;
    public IReadOnlyList<string> Grants => ["email.purge"];
    public IReadOnlyList<SystemAllowance> Decided { get; } = [new(AgentName, "email.purge", "the retention period you set for quarantined mail has passed")];
    public TimeSpan Every => TimeSpan.FromHours(6);

    public async Task<bool> IsDueAsync(CancellationToken cancellationToken) => (await DueAsync(cancellationToken)).Count > 0;

    public async Task<RunAnswer> RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        var due = await DueAsync(cancellationToken);
        var purged = 0;
        foreach (var group in due.GroupBy(d => d.Account.Name))
        {
            var account = group.First().Account;
            var result = await run.CallAsync("email_purge", new { account = account.Name, ids = group.Select(d => d.Id).Distinct().ToList() }, cancellationToken);
            if (result.Outcome != ToolCallOutcome.Succeeded)
            {
                throw new RunStopException(RunStatus.Failed, $"the purge of {account.QuarantineFolder} in account '{account.Name}' did not happen: {result.Result}");
            }

            purged += result.Data is { } data && data.TryGetProperty("removed", out var removed) ? removed.GetInt32() : 0;
            var note = $"purged from {account.QuarantineFolder} after {account.RetentionDays} days by run {run.Id}";
            foreach (var (entry, _, _) in group)
            {
                await journal.MarkAsync(entry.Id, JournalStatus.Permanent, note, CancellationToken.None);
            }

            await audit.AppendAsync(new AuditEvent("journal.permanent", $"agent:{Agent}", run.Id.Value,
                new { account = account.Name, entries = group.Select(d => d.Entry.Id).ToList(), note }), CancellationToken.None);
        }

        return new RunAnswer($"purged {purged} message(s) whose retention had passed, from {due.Select(d => d.Account.Name).Distinct().Count()} account(s)")
        {
            Figures = new Dictionary<string, object?> { ["purged"] = purged, ["deletes"] = due.Count },
        };
    }

    /// <summary>Deletes whose account's retention has passed, with the id each message has in the quarantine folder.</summary>
    private async Task<List<(JournalEntry Entry, EmailAccount Account, string Id)>> DueAsync(CancellationToken cancellationToken)
    {
        var accounts = config.Sections.Get<EmailSettings>().Accounts;
        if (accounts.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var shortest = accounts.Values.Min(a => a.RetentionDays);
        var due = new List<(JournalEntry, EmailAccount, string)>();
        foreach (var entry in await journal.FindAsync("email_delete", JournalStatus.Done, now.AddDays(-shortest), MaxPerRun, cancellationToken))
        {
            using var args = JsonDocument.Parse(entry.Arguments);
            var name = args.RootElement.TryGetProperty("account", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            var account = name is not null ? accounts.GetValueOrDefault(name) : accounts.Count == 1 ? accounts.Values.First() : null;
            if (account is null || entry.At > now.AddDays(-account.RetentionDays)
                || entry.Inverse?.Arguments.TryGetProperty("id", out var id) != true || id.GetString() is not { } quarantined)
            {
                continue;
            }

            due.Add((entry, account, quarantined));
        }

        return due;
    }
}
