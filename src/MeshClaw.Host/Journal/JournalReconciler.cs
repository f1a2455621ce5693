using MeshClaw.Core.Audit;
using MeshClaw.Core.Home;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Tools;

namespace MeshClaw.Host.Journal;

/// <summary>
/// At start-up, actions whose intent was written but whose result never was (a crash in between) are checked
/// against the target and marked done, not done, or unknown for the user to look at, with the inverse of what took
/// effect (through <see cref="ToolCallExecutor.ReconcileAsync"/>, the executor's own journal door). Never retried.
/// </summary>
public sealed class JournalReconciler(IActionJournal journal, ToolCallExecutor executor, ToolCatalogProvider tools, MeshClawHome home, IAuditLog audit, TimeProvider time)
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
            var context = new ToolContext(entry.Agent, new RunId(entry.RunId), home.WorkspaceOf(entry.Agent), time) { IsUndo = entry.Undoes is not null };
            var status = await executor.ReconcileAsync(entry, catalog.Find(entry.Tool), context, cancellationToken);
            await audit.AppendAsync(new AuditEvent("action.reconciled", "meshclaw", entry.RunId, new { action = entry.Id, entry.Tool, entry.Target, status = status.ToString() }), cancellationToken);
            results.Add((entry, status));
        }

        return results;
    }
}
