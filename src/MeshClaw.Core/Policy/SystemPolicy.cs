namespace MeshClaw.Core.Policy;

/// <summary>
/// MeshClaw's own background procedures run as system agents (names with a dot, which no agent file may take). Each
/// may do exactly what the user's settings already decided, without asking again: the quarantine purge removes mail
/// whose retention period (set by the user) has passed. Pause, grants, the journal and the audit log still apply.
/// </summary>
public static class SystemPolicy
{
    public const string QuarantinePurge = "system.quarantine-purge";

    private static readonly (string Agent, string Capability, string Reason)[] Allowances =
    [
        (QuarantinePurge, "email.purge", "the retention period you set for quarantined mail has passed"),
    ];

    public static string? Allows(string agent, string capability) =>
        Allowances.FirstOrDefault(a => a.Agent == agent && a.Capability == capability).Reason;
}
