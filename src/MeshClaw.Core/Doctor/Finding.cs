namespace MeshClaw.Core.Doctor;

public enum Severity
{
    Info,
    Low,
    Medium,
    High,
}

/// <summary>One thing `meshclaw doctor` noticed, and how to fix it.</summary>
public sealed record Finding(Severity Severity, string Check, string Problem, string Fix);
