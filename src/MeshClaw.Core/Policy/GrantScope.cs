namespace MeshClaw.Core.Policy;

/// <summary>How long an approval's grant lasts: the run that asked (and its sub-runs), an hour, the rest of today, or until revoked.</summary>
public enum GrantScope
{
    Run,
    Hour,
    Today,
    Always,
}

public static class GrantScopes
{
    public const string Expected = "run, hour, today or always";

    public static string Text(this GrantScope scope) => scope.ToString().ToLowerInvariant();

    /// <summary>Parses the words the CLI, the API and the dashboard use; null for anything else.</summary>
    public static GrantScope? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "run" => GrantScope.Run,
        "hour" => GrantScope.Hour,
        "today" => GrantScope.Today,
        "always" => GrantScope.Always,
        _ => null,
    };

    /// <summary>
    /// When a grant made <paramref name="now"/> stops: an hour on, or the next local midnight in the policy's time zone
    /// (where midnight does not exist that day, the first moment after it); never for a run's or a standing grant.
    /// </summary>
    public static DateTimeOffset? ExpiryOf(GrantScope scope, DateTimeOffset now, TimeZoneInfo zone)
    {
        switch (scope)
        {
            case GrantScope.Hour:
                return now.AddHours(1);
            case GrantScope.Today:
                var midnight = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1);
                while (zone.IsInvalidTime(midnight))
                {
                    midnight = midnight.AddMinutes(15);
                }

                // An ambiguous midnight (clocks going back across it) ends at its first occurrence: the earlier instant.
                var offset = zone.IsAmbiguousTime(midnight) ? zone.GetAmbiguousTimeOffsets(midnight).Max() : zone.GetUtcOffset(midnight);
                return new DateTimeOffset(DateTime.SpecifyKind(midnight, DateTimeKind.Unspecified), offset);
            default:
                return null;
        }
    }
}
