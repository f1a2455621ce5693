using System.Text.Json;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Home;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Tools;

namespace MeshClaw.Host.Journal;

/// <summary>
/// At start-up, actions whose intent was written but whose result never was (a crash in between) are checked
/// against the target and marked done, not done, or unknown for the user to look at. Never retried.
/// </summary>
public sealed class JournalReconciler(IActionJournal journal, ToolCatalogProvider tools, MeshClawHome home, IAuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<(JournalEntry Entry, JournalStatus Outcome)>> ReconcileAsync(CancellationToken cancellationToken)
    {
        var open = await journal.OpenIntentsAsync(cancellationToken);
        var results = new List<(JournalEntry, JournalStatus)>();
        if (open.Count == 0)
        {
            return results;
        }

        var catalog = tools.Current();
        foreach (var entry in open)
        {
            var outcome = ReconcileOutcome.Unknown;
            if (catalog.Find(entry.Tool) is { } tool)
            {
                try
                {
                    var context = new ToolContext(entry.Agent, new RunId(entry.RunId), home.WorkspaceOf(entry.Agent), time) { IsUndo = entry.Undoes is not null };
                    outcome = await tool.ReconcileAsync(JsonDocument.Parse(entry.Arguments).RootElement, context, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    outcome = ReconcileOutcome.Unknown;
                }
            }

            var status = outcome switch
            {
                ReconcileOutcome.Done => JournalStatus.Done,
                ReconcileOutcome.NotDone => JournalStatus.NotDone,
                _ => JournalStatus.Unknown,
            };
            await journal.MarkAsync(entry.Id, status, "reconciled after a restart: the result was never recorded", cancellationToken);
            await audit.AppendAsync(new AuditEvent("action.reconciled", "meshclaw", entry.RunId, new { action = entry.Id, entry.Tool, entry.Target, status = status.ToString() }), cancellationToken);
            results.Add((entry, status));
        }

        return results;
    }
}
