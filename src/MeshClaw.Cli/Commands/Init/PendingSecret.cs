using MeshClaw.Core.Security;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>
/// The secrets store with one key typed during init but not stored yet: the model check may use it, and it is stored
/// only when the check passes, so a wrong key never lingers.
/// </summary>
internal sealed class PendingSecret(ISecretStore stored, string name, string value) : ISecretStore
{
    public string? Get(string secretName) => secretName == name ? value : stored.Get(secretName);

    public void Set(string secretName, string secretValue) => throw new InvalidOperationException("init stores a secret only after its check passed");

    public bool Remove(string secretName) => throw new InvalidOperationException("init never removes a secret");

    public IReadOnlyList<string> Names() => [.. stored.Names().Append(name).Distinct(StringComparer.Ordinal)];

    public long Version => stored.Version;
}
