using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Slack's request signing (v0): <c>X-Slack-Signature</c> is <c>v0=</c> and the hex HMAC-SHA256 of <c>v0:TIMESTAMP:BODY</c>
/// with the app's signing secret; <c>X-Slack-Request-Timestamp</c> must be within five minutes, so an old request
/// replayed is refused.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }

    /// <summary>Null when the request is Slack's; otherwise why it is refused.</summary>
    public static string? Check(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return "the request is not signed (X-Slack-Request-Timestamp and X-Slack-Signature)";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799))).Duration() > Window)
        {
            return "the request's timestamp is not within five minutes of now (a replay, or a clock far off)";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? null : "the signature does not match";
    }
}
