namespace MeshClaw.Core.Configuration;

/// <summary>The modules' sections of config.json as last loaded without error (edits are picked up without a restart).</summary>
public interface ICurrentConfig
{
    /// <summary>A new instance with every successful reload, so caches (the tool catalog) can be kept per load.</summary>
    ConfigSections Sections { get; }
}
