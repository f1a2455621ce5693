namespace MeshClaw.Core.Security;

/// <summary>Named secrets, encrypted at rest. Config refers to secrets by name only.</summary>
public interface ISecretStore
{
    string? Get(string name);
    void Set(string name, string value);
    bool Remove(string name);
    IReadOnlyList<string> Names();

    /// <summary>Counts the changes made through this instance, so a reader in the same process sees them at once.</summary>
    long Version { get; }
}
