namespace MeshClaw.Core.Security;

/// <summary>Named secrets, encrypted at rest. Config refers to secrets by name only.</summary>
public interface ISecretStore
{
    string? Get(string name);
    void Set(string name, string value);
    bool Remove(string name);
    IReadOnlyList<string> Names();
}
