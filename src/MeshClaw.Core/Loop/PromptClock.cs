using System.Globalization;

namespace MeshClaw.Core.Loop;

/// <summary>
/// The line that tells the model the current date, time and time zone, so "what day is it" needs no tool call. It ends
/// the request (the volatile part): anything that changes every minute placed earlier would break the provider's
/// prompt cache for everything after it.
/// </summary>
public static class PromptClock
{
    public static string Line(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture,
            $"(Current time: {local:dddd d MMMM yyyy, HH:mm} in {zone.Id}, UTC{sign}{offset:hh\\:mm}.)");
    }
}
