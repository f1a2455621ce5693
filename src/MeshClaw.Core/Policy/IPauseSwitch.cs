namespace MeshClaw.Core.Policy;

/// <summary>The kill switch: while paused, nothing autonomous runs or acts. Persisted, so a restart does not quietly resume.</summary>
public interface IPauseSwitch
{
    bool IsPaused { get; }

    /// <summary>Raised after pausing, so running autonomous work can be cancelled at once.</summary>
    event Action? Paused;

    /// <summary>Raised after resuming, so held work (parked runs, the scheduler) can go on.</summary>
    event Action? Resumed;

    Task LoadAsync(CancellationToken cancellationToken);
    Task PauseAsync(string by, CancellationToken cancellationToken);
    Task ResumeAsync(string by, CancellationToken cancellationToken);
}
