using System.Net;

namespace MeshClaw.Connectors.Email;

/// <summary>When a mail server may be spoken to without TLS: only on this machine, where nothing on the wire can read the password.</summary>
public static class MailTransport
{
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
