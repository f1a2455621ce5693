namespace MeshClaw.Core.Policy;

/// <summary>The kill switch: while paused, nothing autonomous runs or acts.</summary>
public interface IPauseSwitch
{
    bool IsPaused { get; }
}
