namespace MeshClaw.Core.Configuration;

/// <summary>The modules' validated sections of one config.json version, by settings type.</summary>
public sealed class ConfigSections(IReadOnlyDictionary<Type, object> sections)
{
    public static readonly ConfigSections Empty = new(new Dictionary<Type, object>());

    /// <summary>The section's settings (its defaults when config.json leaves it out, or when no module declared it).</summary>
    public T Get<T>() where T : class, new() => sections.TryGetValue(typeof(T), out var value) ? (T)value : new T();
}
