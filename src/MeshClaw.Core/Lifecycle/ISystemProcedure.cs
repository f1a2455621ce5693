using MeshClaw.Core.Policy;

namespace MeshClaw.Core.Lifecycle;

/// <summary>
/// MeshClaw's own background work as a run of a system agent: scheduled every <see cref="Every"/>, held while paused,
/// and acting only through the executor (so the journal and audit see it), with only <see cref="Grants"/>.
/// </summary>
public interface ISystemProcedure : IRunProcedure
{
    /// <summary>The system agent's name (with a dot, which no agent file can take), e.g. <c>system.quarantine-purge</c>.</summary>
    string Agent { get; }
    IReadOnlyList<string> Grants { get; }

    /// <summary>What the user's settings already decided this procedure may do without asking (the gate allows only these, and only in its runs).</summary>
    IReadOnlyList<SystemAllowance> Decided { get; }
    TimeSpan Every { get; }

    /// <summary>When set, the procedure runs once a day at this time in the user's time zone instead of every <see cref="Every"/>.</summary>
    TimeOnly? DailyAt => null;

    /// <summary>Whether there is anything to do, from MeshClaw's own records; nothing due means no run at all.</summary>
    Task<bool> IsDueAsync(CancellationToken cancellationToken);
}
