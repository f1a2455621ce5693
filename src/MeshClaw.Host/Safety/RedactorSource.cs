using MeshClaw.Core.Security.Credentials;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;
using MeshClaw.Host.Configuration;

namespace MeshClaw.Host.Safety;

/// <summary>
/// The current redactor: every secret's value (and the store's own key), rebuilt when the secrets file changes,
/// so a secret set while the gateway runs is redacted from the next line on. As an <see cref="ISecretRedactor"/>
/// itself it always redacts with the newest values (the audit log, logs and the ledger use it that way). Redaction
/// runs on every line written, so the file is looked at only when the <see cref="LookThrottle"/> says so.
/// </summary>
public sealed class RedactorSource(MeshClawHome home, ISecretStore secrets) : ISecretRedactor
{
    private readonly Lock _lock = new();
    private readonly LookThrottle _look = new();
    private DateTime _stamp = DateTime.MinValue;
    private long _version = -1;
    private volatile ISecretRedactor _current = NoRedaction.Instance;

    // What is written outside a run (the audit log, logs, the usage ledger's errors) loses credentials by shape as well.
    public string Redact(string text) => CredentialScanner.Redact(Current().Redact(text));

    public ISecretRedactor Current()
    {
        // A secret set through this process's store counts at once; one set by another process (the CLI) at the next look.
        if (!_look.Due && secrets.Version == Interlocked.Read(ref _version))
        {
            return _current;
        }

        var file = Path.Combine(home.Root, "secrets.json");
        lock (_lock)
        {
            _look.Looking();
            var version = secrets.Version;
            var stamp = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
            if (stamp == _stamp && version == _version)
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
            Interlocked.Exchange(ref _version, version);
            return _current;
        }
    }
}
