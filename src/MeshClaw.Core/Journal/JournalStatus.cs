namespace MeshClaw.Core.Journal;

public enum JournalStatus
{
    /// <summary>Written before the action runs; still this after a crash means the result was never recorded.</summary>
    Intent,
    Done,
    Failed,
    /// <summary>Found not to have happened when reconciled after a crash.</summary>
    NotDone,
    /// <summary>Could not be checked after a crash; the user should look.</summary>
    Unknown,
    Undone,
    /// <summary>Done, and no longer undoable: what kept it reversible is gone (quarantined mail purged after the retention period).</summary>
    Permanent,
}
