namespace MeshClaw.Connectors.Email;

/// <summary>A mail server could not be used; the message says which step failed (DNS, connect, TLS, login, folder) and why.</summary>
public sealed class MailConnectionException(string step, string message, Exception? inner = null) : Exception($"{step}: {message}", inner)
{
    public string Step { get; } = step;
}
