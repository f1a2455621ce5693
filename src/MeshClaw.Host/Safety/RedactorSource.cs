using MeshClaw.Core.Home;
using MeshClaw.Core.Security;

namespace MeshClaw.Host.Safety;

/// <summary>
/// The current redactor: every secret's value (and the store's own key), rebuilt when the secrets file changes,
/// so a secret set while the gateway runs is redacted from the next line on. As an <see cref="ISecretRedactor"/>
/// itself it always redacts with the newest values (the audit log, logs and the ledger use it that way).
/// </summary>
public sealed class RedactorSource(MeshClawHome home, ISecretStore secrets) : ISecretRedactor
{
    private readonly Lock _lock = new();
    private DateTime _stamp = DateTime.MinValue;
    private ISecretRedactor _current = NoRedaction.Instance;

    public string Redact(string text) => Current().Redact(text);

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
