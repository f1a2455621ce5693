using System.Globalization;

namespace MeshClaw.Core.Agents;

/// <summary>A daily window (in the user's time zone) when an agent's changes wait for the user; may cross midnight.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool Contains(TimeOnly time) => Start <= End ? time >= Start && time < End : time >= Start || time < End;

    public static QuietHours? TryParse(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            ? new QuietHours(start, end)
            : null;
    }

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
