using MeshClaw.Core.Configuration;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;

namespace MeshClaw.Host.Configuration;

/// <summary>The home folder's config.json, validated.</summary>
public sealed record MeshClawConfig
{
    public int Port { get; init; } = 7788;
    public IReadOnlyDictionary<string, ModelDefinition> Models { get; init; } = new Dictionary<string, ModelDefinition>();
    /// <summary>The model agents use when their file names none.</summary>
    public string? DefaultModel { get; init; }
    public PriceTable Prices { get; init; } = PriceTable.Empty;
    public PolicySettings Policy { get; init; } = new();
    /// <summary>The modules' own sections (email, shell, web...), validated by each module.</summary>
    public ConfigSections Sections { get; init; } = ConfigSections.Empty;
    /// <summary>What all agents together may spend; null when the user set no overall budget.</summary>
    public Core.Agents.OverallBudget? Budgets { get; init; }
    /// <summary>Where to send aggregated GenAI metrics over OTLP/HTTP; null (the default) sends nothing.</summary>
    public Uri? OtlpEndpoint { get; init; }
    public TimeSpan TelemetryInterval { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>The audit log can be switched off only here, and doctor reports it as a high-severity finding.</summary>
    public bool AuditEnabled { get; init; } = true;
    /// <summary>Where the gateway listens; anything but loopback is flagged by doctor.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";
}
