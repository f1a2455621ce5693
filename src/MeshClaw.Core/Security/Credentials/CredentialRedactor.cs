namespace MeshClaw.Core.Security.Credentials;

/// <summary>
/// A run's redactor: the stored secrets by value first (they keep their names), then every credential by its shape,
/// counted for the run so the run and the audit log can say how many were kept from the model.
/// </summary>
public sealed class CredentialRedactor(ISecretRedactor secrets) : ISecretRedactor
{
    public CredentialTally Tally { get; } = new();

    public string Redact(string text) => CredentialScanner.Redact(secrets.Redact(text), Tally);
}
