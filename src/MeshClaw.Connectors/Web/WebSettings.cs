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
        var (host, port) = Split(entry);
        var hostMatches = url.Host.Equals(host, StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("." + host, StringComparison.OrdinalIgnoreCase);
        return hostMatches && (port is null || port == url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    // host, host:port, an IPv6 address bare or in brackets, [v6]:port.
    private static (string Host, string? Port) Split(string entry)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? (entry, null) : (entry[..(close + 1)], entry.Length > close + 2 && entry[close + 1] == ':' ? entry[(close + 2)..] : null);
        }

        var colon = entry.LastIndexOf(':');
        return colon < 0 ? (entry, null)
            : entry.IndexOf(':', StringComparison.Ordinal) == colon ? (entry[..colon], entry[(colon + 1)..])
            : ($"[{entry}]", null);
    }
}
