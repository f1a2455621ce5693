namespace MeshClaw.Core.Lifecycle;

/// <summary>
/// What a run does between its start and its end: the free agent loop, or one of MeshClaw's built-in procedures
/// (<c>inbox</c>, later <c>dreamer</c>, <c>deploy-watch</c>, <c>assistant</c>). A procedure acts on the world only
/// through <see cref="RunContext.CallAsync(string, object, CancellationToken)"/>: the tool-call executor with its
/// gate, approvals, journal and audit. The run's row, status, taint, budget and audit are the lifecycle's.
/// </summary>
public interface IRunProcedure
{
    /// <summary>The name agent files use for it (<c>builtin: inbox</c>); the free loop is <c>loop</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether a model picks the run's tool calls and their arguments (the free loop: yes). A procedure whose code
    /// makes the calls (a reviewed batch such as the inbox's filing) answers no: past the bulk limit after untrusted
    /// content its batch is asked about, where a model's would be denied.
    /// </summary>
    bool ModelChoosesCalls => true;

    /// <summary>Does the run's work and returns its answer; throws <see cref="Loop.RunStopException"/> to end it early with a status.</summary>
    Task<RunAnswer> RunAsync(RunContext run, CancellationToken cancellationToken);
}

/// <summary>A procedure that can be parked on an approval and continued later from a checkpoint, in a new process if need be.</summary>
public interface IResumableProcedure : IRunProcedure
{
    Task<RunAnswer> ResumeAsync(RunContext run, string checkpointJson, CancellationToken cancellationToken);
}
