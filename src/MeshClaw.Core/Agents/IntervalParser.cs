using System.Globalization;

namespace MeshClaw.Core.Agents;

/// <summary>Parses the short interval notation used in agent files: 30s, 15m, 2h, 1d.</summary>
public static class IntervalParser
{
    public static TimeSpan? TryParse(string text)
    {
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }
}
