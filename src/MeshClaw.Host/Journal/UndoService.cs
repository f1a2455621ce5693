using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Home;
using MeshClaw.Host.Tools;
using MeshClaw.Storage.Journal;

namespace MeshClaw.Host.Journal;

/// <summary>
/// `meshclaw undo`: reverts journaled actions with their recorded inverse, newest first. The undo is the
/// user's own act (authenticated by the token), so it is journaled and audited but not put to the gate;
/// each undo is itself a journal entry pointing at what it reverted.
/// </summary>
public sealed class UndoService(SqliteActionJournal journal, ToolCatalogFactory tools, ConfigSource config, MeshClawHome home, IAuditLog audit, TimeProvider time)
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

        var catalog = tools.Create(config.Current().Config);
        if (catalog.Find(inverse.Tool) is not { } tool)
        {
            return Skip($"its inverse tool '{inverse.Tool}' is not available");
        }

        var context = new ToolContext(entry.Agent, new RunId(entry.RunId), home.WorkspaceOf(entry.Agent), time) { Trigger = new RunTrigger("undo", by) };
        var undoId = await journal.RecordIntentAsync(new JournalEntry
        {
            Id = 0, RunId = entry.RunId, Agent = entry.Agent, Tool = tool.Name, Capability = tool.Capability, Risk = tool.Risk,
            Arguments = inverse.Arguments.GetRawText(), Target = entry.Target, Status = JournalStatus.Intent, Undoes = entry.Id, At = time.GetUtcNow(),
        }, cancellationToken);
        ToolResult result;
        try
        {
            result = await tool.InvokeAsync(inverse.Arguments, context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ToolResult.Error(ex.Message);
        }

        await journal.CompleteAsync(undoId, result.IsError ? JournalStatus.Failed : JournalStatus.Done, result.Content, null, time.GetUtcNow(), CancellationToken.None);
        if (!result.IsError)
        {
            await journal.MarkAsync(entry.Id, JournalStatus.Undone, $"undone by {by} (action {undoId})", CancellationToken.None);
        }

        await audit.AppendAsync(new AuditEvent(result.IsError ? "action.undo-failed" : "action.undone", by, entry.RunId,
            new { action = entry.Id, undo = undoId, tool = entry.Tool, target = entry.Target, result = result.Content }), CancellationToken.None);
        return new UndoItem(entry.Id, entry.Tool, entry.Target, !result.IsError, result.IsError ? $"the undo failed: {result.Content}" : result.Content);
    }
}
