using MeshClaw.Core.Policy;
using MeshClaw.Core.Tools;

namespace MeshClaw.Core.Journal;

/// <summary>The action journal: intent before every mutation, result after, the inverse recorded for undo.</summary>
public interface IActionJournal : IActionRates
{
    /// <summary>Writes the intent (status <see cref="JournalStatus.Intent"/>) and returns its id.</summary>
    Task<long> RecordIntentAsync(JournalEntry intent, CancellationToken cancellationToken);
    /// <summary>Records the result; an inverse learned only from the result replaces the planned one.</summary>
    Task CompleteAsync(long id, JournalStatus status, string result, ToolInverse? inverse, DateTimeOffset at, CancellationToken cancellationToken);
    Task<JournalEntry?> GetAsync(long id, CancellationToken cancellationToken);
    Task<IReadOnlyList<JournalEntry>> ForRunAsync(string runId, CancellationToken cancellationToken);
    Task<IReadOnlyList<JournalEntry>> OpenIntentsAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<JournalEntry>> RecentAsync(int limit, CancellationToken cancellationToken);
    /// <summary>Entries of one tool in one status recorded before a moment, oldest first (e.g. deletes whose retention has passed).</summary>
    Task<IReadOnlyList<JournalEntry>> FindAsync(string tool, JournalStatus status, DateTimeOffset before, int limit, CancellationToken cancellationToken);
    Task MarkAsync(long id, JournalStatus status, string note, CancellationToken cancellationToken);
}
