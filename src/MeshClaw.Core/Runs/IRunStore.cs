namespace MeshClaw.Core.Runs;

/// <summary>Durable record of runs. Written as the run goes, so a crash leaves everything up to the last step.</summary>
public interface IRunStore
{
    Task CreateAsync(RunRecord run, CancellationToken cancellationToken);
    Task AppendTranscriptAsync(RunId run, TranscriptEntry entry, CancellationToken cancellationToken);
    Task RecordToolCallAsync(RunId run, ToolCallRecord call, CancellationToken cancellationToken);
    Task CompleteAsync(RunId run, RunStatus status, string? reason, string? answer, RunUsage usage, DateTimeOffset endedAt, CancellationToken cancellationToken);
    Task<RunDetail?> GetAsync(RunId run, CancellationToken cancellationToken);
    Task<IReadOnlyList<RunRecord>> ListAsync(int limit, string? agent, CancellationToken cancellationToken);
    /// <summary>Earlier finished runs of a chat session, oldest first: their question and answer only.</summary>
    Task<IReadOnlyList<RunRecord>> SessionHistoryAsync(string session, int limit, CancellationToken cancellationToken);
    Task SetStatusAsync(RunId run, RunStatus status, CancellationToken cancellationToken);
    /// <summary>Stores what untrusted content the run read, so a later turn of the same chat session inherits it.</summary>
    Task SetTaintAsync(RunId run, IReadOnlyList<string> taint, CancellationToken cancellationToken);
    /// <summary>Saves the state a parked run resumes from (messages, usage, taint, the pending call).</summary>
    Task SaveCheckpointAsync(RunId run, string checkpointJson, CancellationToken cancellationToken);
    Task<string?> LoadCheckpointAsync(RunId run, CancellationToken cancellationToken);
    Task<IReadOnlyList<RunRecord>> ParkedAsync(CancellationToken cancellationToken);
    /// <summary>Marks runs left <see cref="RunStatus.Running"/> by a gateway that died as interrupted (parked runs waiting for approval stay parked); returns how many.</summary>
    Task<int> MarkInterruptedAsync(DateTimeOffset at, CancellationToken cancellationToken);
}
