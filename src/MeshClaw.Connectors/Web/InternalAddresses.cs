using System.Net;
using System.Net.Sockets;

namespace MeshClaw.Connectors.Web;

/// <summary>
/// Addresses a fetch must never reach unless the user allow-listed the domain: this machine (loopback, and so
/// MeshClaw's own API), link-local (cloud metadata at 169.254.169.254), private and carrier-grade NAT ranges,
/// unique-local IPv6, multicast and the unspecified address; IPv4 written inside IPv6 is unwrapped first.
/// </summary>
public static class InternalAddresses
{
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (bytes[0] & 0xfe) == 0xfc // fc00::/7 unique local
                || (bytes[0] == 0x20 && bytes[1] == 0x02 && IsInternal(new IPAddress(bytes.AsSpan(2, 4)))) // 6to4 wrapping an internal IPv4
                || (!bytes.AsSpan(0, 12).ContainsAnyExcept((byte)0) && bytes.AsSpan(12).ContainsAnyExcept((byte)0) && IsInternal(new IPAddress(bytes.AsSpan(12)))); // IPv4-compatible
        }

        var b4 = address.GetAddressBytes();
        return b4[0] switch
        {
            0 or 10 or 127 => true,
            100 => b4[1] is >= 64 and <= 127, // carrier-grade NAT
            169 => b4[1] == 254, // link-local, cloud metadata
            172 => b4[1] is >= 16 and <= 31,
            192 => (b4[1] == 168) || (b4[1] == 0 && b4[2] is 0 or 2),
            198 => b4[1] is 18 or 19, // benchmarking, often internal
            >= 224 => true, // multicast and reserved
            _ => false,
        };
    }

    /// <summary>The addresses a host name resolves to (or the literal address itself).</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>Why fetching this host is refused (it is, or resolves to, an internal address), or null.</summary>
    public static async Task<string?> RefusalAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return null; // Unresolvable now: the connection is checked again when it is made.
        }

        return addresses.FirstOrDefault(IsInternal) is { } found
            ? $"{host} is, or resolves to, an internal address ({found}): loopback, link-local, private and metadata addresses are fetched only when the user put the domain on web.allowDomains"
            : null;
    }
}
