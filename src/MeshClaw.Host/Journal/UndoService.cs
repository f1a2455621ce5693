using MeshClaw.Core.Home;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Tools;

namespace MeshClaw.Host.Journal;

/// <summary>
/// `meshclaw undo`: reverts journaled actions with their recorded inverse, newest first, through the executor's undo
/// entry point (journaled, audited and redacted like any call; only the gate is skipped, because the user is the one
/// asking). The agent's limits, such as its mail folders, still apply to what its undo touches.
/// </summary>
public sealed class UndoService(IActionJournal journal, ToolCatalogProvider tools, AgentCatalogSource agents, ToolCallExecutor executor, RedactorSource redactors, MeshClawHome home, TimeProvider time)
{
    public async Task<UndoReport> UndoActionAsync(long id, string by, CancellationToken cancellationToken)
    {
        var entry = await journal.GetAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"no action with id {id} in the journal");
        return new UndoReport([await UndoOneAsync(entry, by, cancellationToken)]);
    }

    public async Task<UndoReport> UndoRunAsync(string runId, string by, CancellationToken cancellationToken)
    {
        var entries = await journal.ForRunAsync(runId, cancellationToken);
        if (entries.Count == 0)
        {
            throw new KeyNotFoundException($"run '{runId}' made no journaled changes");
        }

        var items = new List<UndoItem>();
        foreach (var entry in entries.Where(e => e.Undoes is null).OrderByDescending(e => e.Id))
        {
            items.Add(await UndoOneAsync(entry, by, cancellationToken));
        }

        return new UndoReport(items);
    }

    private async Task<UndoItem> UndoOneAsync(JournalEntry entry, string by, CancellationToken cancellationToken)
    {
        UndoItem Skip(string why) => new(entry.Id, entry.Tool, entry.Target, false, why);
        if (entry.Undoes is not null)
        {
            return Skip($"it is itself the undo of action {entry.Undoes}");
        }

        switch (entry.Status)
        {
            case JournalStatus.Undone:
                return Skip("already undone");
            case JournalStatus.Failed or JournalStatus.NotDone:
                return Skip("it never took effect, so there is nothing to undo");
            case JournalStatus.Intent:
                return Skip("its result was never recorded; it will be reconciled at the next start");
            case JournalStatus.Permanent:
                return Skip($"it became permanent: {entry.Result?.Split(" | ").LastOrDefault() ?? "what kept it reversible is gone"}");
        }

        if (entry.Inverse is not { } inverse)
        {
            return Skip(entry.Risk switch
            {
                ToolRisk.SendsOutside => "it sent data outside MeshClaw, which cannot be called back",
                ToolRisk.ExecutesCode => "it ran a program whose effects MeshClaw cannot know",
                _ => "it has no inverse (irreversible)",
            });
        }

        if (tools.Current().Find(inverse.Tool) is not { } tool)
        {
            return Skip($"its inverse tool '{inverse.Tool}' is not available");
        }

        var context = new ToolContext(entry.Agent, new RunId(entry.RunId), home.WorkspaceOf(entry.Agent), time)
        {
            Trigger = new RunTrigger(RunTriggerKind.Cli, $"undo by {by}"),
            Definition = agents.Current().Find(entry.Agent),
        };
        var (undone, detail) = await executor.UndoAsync(entry, tool, context, by, redactors.Current(), cancellationToken);
        return new UndoItem(entry.Id, entry.Tool, entry.Target, undone, detail);
    }
}
