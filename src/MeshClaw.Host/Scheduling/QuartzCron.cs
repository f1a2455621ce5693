using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Agent files use standard cron: five fields (minute hour day-of-month month day-of-week, Sunday 0 or 7), or six with
/// seconds first. Quartz counts days of the week from 1 (Sunday) and wants seconds; this turns one into the other.
/// </summary>
public static class QuartzCron
{
    /// <summary>The Quartz expression for an agent file's cron, or null with the reason when it is not valid cron.</summary>
    public static string? Convert(string expression, out string? problem)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        problem = null;
        try
        {
            switch (fields.Length)
            {
                case 5:
                    return CronExpression.Parse(string.Join(' ', fields), CronFormat.Unix).CronExpressionString;
                case 6:
                    var minuteOn = CronExpression.Parse(string.Join(' ', fields[1..]), CronFormat.Unix).CronExpressionString.Split(' ');
                    minuteOn[0] = fields[0];
                    var withSeconds = string.Join(' ', minuteOn);
                    return CronExpression.TryParse(withSeconds, out _) ? withSeconds : throw new FormatException($"the seconds field '{fields[0]}' is not valid");
                default:
                    problem = $"'{expression}' has {fields.Length} fields; cron has 5 (minute hour day month weekday) or 6 (with seconds first)";
                    return null;
            }
        }
        catch (FormatException ex)
        {
            problem = $"'{expression}' is not valid cron: {ex.Message}";
            return null;
        }
    }
}
