using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Lifecycle;

/// <summary>
/// Starts a run of an agent for a channel that waits for the answer (a Slack DM, later others) and returns how it
/// ended. The run takes the one path: the agent file, the metered model pipeline, the gate; the trigger content is
/// untrusted and taints it from its first step. Autonomous: refused while MeshClaw is paused.
/// </summary>
public interface IRunStarter
{
    /// <exception cref="RunNotStartedException">The run could not start (paused, no such agent, no model).</exception>
    Task<RunRecord> RunAsync(ChannelRun run, CancellationToken cancellationToken);
}

/// <summary>
/// A run a channel asks for: the agent, the message, the channel's session (a thread) and its untrusted content; with an
/// <paramref name="Observer"/>, the answer is streamed to it as it comes (redacted as the CLI's stream is).
/// </summary>
public sealed record ChannelRun(string Agent, string Message, RunTrigger Trigger, string? Session, TriggerContent? Content, Loop.IRunObserver? Observer = null);

/// <summary>Why a channel's run did not start, in the words the channel can pass on.</summary>
public sealed class RunNotStartedException(string message) : Exception(message);
