namespace MeshClaw.Core.Configuration;

/// <summary>The modules' sections of config.json as last loaded without error (edits are picked up without a restart).</summary>
public interface ICurrentConfig
{
    ConfigSections Sections { get; }

    /// <summary>Changes with every successful reload; caches (the tool catalog) are kept per version.</summary>
    long Version { get; }
}
