namespace MeshClaw.Connectors.Web;

/// <summary>The web tool's allow-list (host, or host:port) and limits.</summary>
public sealed record WebSettings
{
    public IReadOnlyList<string> AllowDomains { get; init; } = [];
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);
    public int MaxBytes { get; init; } = 512 * 1024;

    /// <summary>A host is allowed when it, or a parent domain, is on the list (with the port when the entry names one).</summary>
    public bool Allows(Uri url) => AllowDomains.Any(entry =>
    {
        var (host, port) = entry.Contains(':', StringComparison.Ordinal) ? (entry[..entry.LastIndexOf(':')], entry[(entry.LastIndexOf(':') + 1)..]) : (entry, null);
        var hostMatches = url.Host.Equals(host, StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("." + host, StringComparison.OrdinalIgnoreCase);
        return hostMatches && (port is null || port == url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });
}
