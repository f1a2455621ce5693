using System.Globalization;
using System.Text.Json;

namespace MeshClaw.Core.Tools.BuiltIn;

/// <summary>The current date and time, in UTC or a named IANA time zone.</summary>
public sealed class TimeNowTool : IAgentTool
{
    public string Name => "time_now";
    public string Capability => "time.read";
    public ToolRisk Risk => ToolRisk.Read;
    public string Description => "Returns the current date and time. Optional 'timezone' is an IANA name such as Europe/Berlin (default UTC).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"timezone":{"type":"string","description":"IANA time zone, e.g. Europe/Berlin"}},"additionalProperties":false}
        """).RootElement;

    public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var zoneName = ToolArguments.OptionalString(arguments, "timezone") ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            return Task.FromResult(ToolResult.Error($"unknown time zone '{zoneName}'; use an IANA name such as Europe/Berlin"));
        }

        var now = TimeZoneInfo.ConvertTime(context.Time.GetUtcNow(), zone);
        var text = $"{now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)} ({zone.Id}, {now.DayOfWeek})";
        return Task.FromResult(new ToolResult(text));
    }
}
