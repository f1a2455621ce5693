using MeshClaw.Core.Security;
using MeshClaw.Host.Home;
using MeshClaw.Storage.Secrets;

namespace MeshClaw.Host.Safety;

/// <summary>
/// The current redactor: every secret's value (and the store's own key), rebuilt when the secrets file changes,
/// so a secret set while the gateway runs is redacted from the next line on.
/// </summary>
public sealed class RedactorSource(MeshClawHome home, FileSecretStore secrets)
{
    private readonly Lock _lock = new();
    private DateTime _stamp = DateTime.MinValue;
    private ISecretRedactor _current = NoRedaction.Instance;

    public ISecretRedactor Current()
    {
        var file = Path.Combine(home.Root, "secrets.json");
        var stamp = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
        lock (_lock)
        {
            if (stamp == _stamp)
            {
                return _current;
            }

            var values = secrets.Names().ToDictionary(n => n, n => secrets.Get(n) ?? "");
            var keyFile = Path.Combine(home.Root, "secrets.key");
            if (File.Exists(keyFile))
            {
                values["secrets.key"] = File.ReadAllText(keyFile).Trim();
            }

            _current = new SecretRedactor(values);
            _stamp = stamp;
            return _current;
        }
    }
}
