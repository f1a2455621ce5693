using System.Text.Json;

namespace MeshClaw.Core.Configuration;

/// <summary>
/// A top-level section of config.json that a module owns ("email", "shell", "web"): its key, its settings when the
/// section is absent, and how to read and validate it (every error names the field).
/// </summary>
public interface IConfigSection
{
    string Key { get; }
    Type SettingsType { get; }
    object Defaults { get; }
    object Read(JsonElement section, ConfigReader at);
}

/// <summary>A section whose settings are a <typeparamref name="T"/>.</summary>
public abstract class ConfigSection<T>(string key) : IConfigSection where T : class, new()
{
    public string Key => key;
    public Type SettingsType => typeof(T);
    public object Defaults { get; } = new T();

    object IConfigSection.Read(JsonElement section, ConfigReader at) => Read(section, at);

    public abstract T Read(JsonElement section, ConfigReader at);
}
