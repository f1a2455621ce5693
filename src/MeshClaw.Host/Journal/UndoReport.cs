namespace MeshClaw.Host.Journal;

/// <summary>What an undo did, entry by entry, newest first; the reason says why an entry could not be undone.</summary>
public sealed record UndoReport(IReadOnlyList<UndoItem> Items)
{
    public int Undone => Items.Count(i => i.Undone);
}

public sealed record UndoItem(long Action, string Tool, string? Target, bool Undone, string Detail);
