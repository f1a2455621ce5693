namespace MeshClaw.Core.Policy;

/// <summary>The user's policy knobs from config.json; the defaults are MeshClaw's safe posture.</summary>
public sealed record PolicySettings
{
    /// <summary>More items than this changed per capability in one run needs approval.</summary>
    public int BulkLimitPerRun { get; init; } = 25;
    /// <summary>More items than this changed per agent and capability in an hour needs approval.</summary>
    public int RatePerHour { get; init; } = 200;
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Defaults the user loosened to "allow" for one agent and capability. Taint still applies.</summary>
    public IReadOnlyList<PolicyLoosening> Loosened { get; init; } = [];
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
    /// <summary>Sub-agent calls allowed in one whole run tree (the root and every sub-run together); more are denied.</summary>
    public int SubagentCallsPerRun { get; init; } = 5;
    /// <summary>How deep sub-agents may nest below the run a person or trigger started; deeper is denied.</summary>
    public int SubagentDepth { get; init; } = 2;
}

/// <summary>"Let agent A use capability C without asking" — shown by doctor as a loosened default.</summary>
public sealed record PolicyLoosening(string Agent, string Capability);
